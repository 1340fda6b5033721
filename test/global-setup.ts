// One migrated template database per test run; every test file clones it
// (CREATE DATABASE … TEMPLATE), so files never see each other's rows.
// Uses TEST_DATABASE_URL / DATABASE_URL when set (CI: the machine's PostgreSQL),
// else starts an embedded PostgreSQL in a temp directory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateDeploy } from "../prisma/migrate";
import type { EmbeddedDb } from "../scripts/embedded-postgres";

import "./test-db";

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDb | null = null;
  let tmp: string | null = null;
  let adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "si-test-pg-"));
    fs.chmodSync(tmp, 0o755);
    // Loaded only when needed: it installs process exit hooks.
    const { startEmbeddedPostgres } = await import("../scripts/embedded-postgres");
    embedded = await startEmbeddedPostgres({ dir: path.join(tmp, "data"), persistent: false, throwaway: true });
    adminUrl = embedded.adminUrl;
  }
  const templateDb = `si_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${templateDb}"`);
  await migrateDeploy(withDb(adminUrl, templateDb));
  // The migration engine keeps its pool open; a template must have no sessions to be cloned.
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [templateDb]);
  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", templateDb);
  // For the e2e setup, which runs next in this same process.
  process.env.SI_TEST_ADMIN_URL = adminUrl;
  process.env.SI_TEST_TEMPLATE_DB = templateDb;

  return async () => {
    // Clones made by test files are dropped by the files; sweep any a crash left behind.
    const left = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2",
      [templateDb, `${templateDb.replace("si_tpl_", "si_t_")}%`],
    );
    for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
}
