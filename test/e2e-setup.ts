// Builds the web app, then runs the real product (next start + worker) on a
// fresh database cloned from the migrated template, for browser tests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import "./provided-context";
import type { TestProject } from "vitest/node";
import { createDb } from "@scrollintel/core/db/client";
import { seedDemo } from "../prisma/seed";
import { buildWeb, startProductServers } from "../scripts/product-servers";

const root = path.resolve(import.meta.dirname, "..");

export default async function setup(project: TestProject) {
  buildWeb({ force: process.env.E2E_SKIP_BUILD !== "1" });
  const adminUrl = process.env.SI_TEST_ADMIN_URL!;
  const template = process.env.SI_TEST_TEMPLATE_DB!;
  const dbName = template.replace("si_tpl_", "si_t_") + "_e2e";
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}" TEMPLATE "${template}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const db = createDb(databaseUrl);
  await seedDemo(db);
  await db.$disconnect();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "si-e2e-"));
  const servers = await startProductServers({
    databaseUrl,
    dataDir,
    logFile: path.join(root, "test-results-e2e-servers.log"),
    secret: "e2e-secret-e2e-secret-e2e-secret",
  });
  const baseUrl = servers.baseUrl;
  project.provide("baseUrl", baseUrl);
  project.provide("e2eDatabaseUrl", databaseUrl);
  project.provide("metricsToken", servers.metricsToken);

  return async () => {
    await servers.stop();
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await a.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
