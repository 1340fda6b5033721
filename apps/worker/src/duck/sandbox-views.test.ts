import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDuck, lit, openDuck } from "./open-duck";
import { checkUserSql, lockDownSession, type SandboxDataset } from "./sandbox";

// A reader's view: masks in the select list, the row filter in WHERE. A row
// filter that reaches beyond the row (a table, a file, a catalog function) is
// refused before the view exists, even though the web only writes filters
// from its own grammar.
let root: string;
let file: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-views-"));
  file = path.join(root, "part-0.parquet");
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  await d.conn.run(
    `COPY (SELECT range AS id, CASE WHEN range % 2 = 0 THEN 'EU' ELSE 'US' END AS region, 'p' || range || '@x.com' AS email FROM range(6)) TO ${lit(file)} (FORMAT parquet)`,
  );
  closeDuck(d);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function session(view: Partial<SandboxDataset>, sql: string) {
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  try {
    await lockDownSession(d.conn, { datasets: [{ name: "people", paths: [file], ...view }] });
    const text = await checkUserSql(d.conn, sql);
    return (await d.conn.runAndReadAll(text)).getRowObjectsJson();
  } finally {
    closeDuck(d);
  }
}

describe("reader views", () => {
  it("applies the select list and the row filter", async () => {
    const rows = await session(
      { select: `* REPLACE ('***' AS "email")`, where: `("region" = 'EU')` },
      "SELECT id, email FROM people ORDER BY id",
    );
    expect(rows).toEqual([
      { id: "0", email: "***" },
      { id: "2", email: "***" },
      { id: "4", email: "***" },
    ]);
  });

  it("refuses a row filter that reads anything but the row", async () => {
    for (const where of [
      `(SELECT count(*) FROM read_parquet(${lit(file)})) > 0`,
      `EXISTS (SELECT 1 FROM duckdb_views())`,
      `current_setting('allowed_paths') IS NOT NULL`,
      `id IN (SELECT id FROM people)`,
    ]) {
      await expect(session({ where }, "SELECT 1"), where).rejects.toThrow(/row filter|not available/);
    }
  });
});
