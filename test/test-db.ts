import { randomBytes } from "node:crypto";
import pg from "pg";
import "./provided-context";
import { inject } from "vitest";
import { createDb, type Db } from "@scrollintel/core/db/client";

export interface TestDb {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh database cloned from the run's migrated template. */
export async function createTestDb(): Promise<TestDb> {
  const adminUrl = inject("adminUrl");
  const template = inject("templateDb");
  const name = `${template.replace("si_tpl_", "si_t_")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = createDb(url, { max: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
