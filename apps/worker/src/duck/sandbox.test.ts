import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDuck, lit, openDuck } from "./open-duck";
import { checkUserSql, lockDownSession } from "./sandbox";
import { SpareDuck } from "./spare-duck";

// Two tenants' Parquet on one disk; the session is locked down for tenant A only.
// Every escape attempt the sandbox must refuse is listed in `refused` below; the
// allowlist's own cases (functions, system tables) are in sql-allowlist.test.ts.
let root: string;
let fileA: string;
let fileB: string;
let resultPath: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-sandbox-"));
  for (const t of ["a", "b"]) fs.mkdirSync(path.join(root, "tenants", t), { recursive: true });
  fileA = path.join(root, "tenants/a/part-0.parquet");
  fileB = path.join(root, "tenants/b/part-0.parquet");
  resultPath = path.join(root, "result.parquet");
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  await d.conn.run(`COPY (SELECT range AS id, 'a' || range AS label FROM range(10)) TO ${lit(fileA)} (FORMAT parquet)`);
  await d.conn.run(`COPY (SELECT 'secret-of-b' AS s) TO ${lit(fileB)} (FORMAT parquet)`);
  closeDuck(d);
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Runs user SQL the way the query task does: checked, then on the locked session. */
async function inSandbox(sql: string): Promise<unknown[]> {
  return inLockedSession(sql, { check: true });
}

/** Runs SQL on a locked-down session; without `check` it bypasses checkUserSql, as our own SQL does. */
async function inLockedSession(sql: string, opts: { check?: boolean } = {}): Promise<unknown[]> {
  const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  try {
    await lockDownSession(d.conn, { datasets: [{ name: "sales", paths: [fileA] }], resultPath });
    const checked = opts.check ? await checkUserSql(d.conn, sql) : sql;
    return (await d.conn.runAndReadAll(checked)).getRowObjectsJson();
  } finally {
    closeDuck(d);
  }
}

describe("query sandbox", () => {
  it("runs a SELECT over the tenant's own dataset", async () => {
    expect(await inSandbox("SELECT count(*)::INT AS n FROM sales")).toEqual([{ n: 10 }]);
  });

  it("accepts a trailing semicolon and comments", async () => {
    expect(await inSandbox("-- total\nSELECT max(id)::INT AS m FROM sales; ")).toEqual([{ m: 9 }]);
  });

  // Reading files is refused twice: by the allowlist (no file-reading function or
  // file name passes checkUserSql) and by the locked instance itself (`unchecked`).
  const FN = (name: string) => new RegExp(`^Function ${name} is not available in queries\\.$`);
  const fileEscapes: Array<[string, string, RegExp]> = [
    ["another tenant's file by path", `SELECT * FROM read_parquet('{B}')`, FN("read_parquet")],
    ["another tenant's file by replacement scan", `SELECT * FROM '{B}'`, /^Table .*part-0.parquet does not exist/],
    ["traversal from an allowed file", `SELECT * FROM read_parquet('{A}/../../b/part-0.parquet')`, FN("read_parquet")],
    ["/etc/passwd via read_csv", `SELECT * FROM read_csv('/etc/passwd')`, FN("read_csv")],
    ["read_text", `SELECT * FROM read_text('/etc/passwd')`, FN("read_text")],
    ["read_blob", `SELECT * FROM read_blob('/etc/hostname')`, FN("read_blob")],
    ["glob", `SELECT * FROM glob('/etc/*')`, FN("glob")],
    ["home directory tricks", `SELECT * FROM read_csv('~/.bashrc')`, FN("read_csv")],
    ["another tenant's file through query()", `SELECT * FROM query('SELECT * FROM ''{B}''')`, FN("query")],
    ["a glob over every tenant", `SELECT * FROM read_parquet('{ROOT}/tenants/*/part-0.parquet')`, FN("read_parquet")],
    ["another tenant's Parquet metadata", `SELECT * FROM parquet_metadata('{B}')`, FN("parquet_metadata")],
    ["sniff_csv", `SELECT * FROM sniff_csv('/etc/passwd')`, FN("sniff_csv")],
    ["/proc", `SELECT * FROM read_csv('/proc/self/environ')`, FN("read_csv")],
    ["a file:// URL", `SELECT * FROM read_csv('file:///etc/passwd')`, FN("read_csv")],
    ["an https URL", `SELECT * FROM 'https://example.com/x.csv'`, /^Table https:\/\/example.com\/x.csv does not exist/],
    ["an s3 URL", `SELECT * FROM read_parquet('s3://bucket/x.parquet')`, FN("read_parquet")],
    ["home directory traversal", `SELECT * FROM read_csv('~/../../etc/passwd')`, FN("read_csv")],
  ];
  const refused: Array<[string, string, RegExp]> = [
    ...fileEscapes,
    // DuckDB binds the target path while preparing, so these two may be refused for the path first.
    ["COPY TO", `COPY (SELECT 1) TO '/tmp/si-escape.csv'`, /this statement is a COPY|Permission Error/],
    ["COPY over the dataset", `COPY (SELECT 1 AS id) TO '{A}' (FORMAT parquet)`, /this statement is a COPY/],
    ["ATTACH", `ATTACH '/tmp/si-escape.duckdb' AS x`, /this statement is an ATTACH/],
    ["INSTALL", `INSTALL httpfs`, /this statement is an? (EXTENSION|LOAD)/],
    ["LOAD", `LOAD httpfs`, /this statement is an? (EXTENSION|LOAD)/],
    ["SET", `SET enable_external_access = true`, /this statement is a (SET|VARIABLE_SET)/],
    ["SET home_directory", `SET home_directory = '/'`, /this statement is a (SET|VARIABLE_SET)/],
    ["PRAGMA", `PRAGMA enable_profiling`, /this statement is a PRAGMA/],
    ["CALL", `CALL pragma_version()`, /this statement is a CALL/],
    ["EXPORT DATABASE", `EXPORT DATABASE '/tmp/si-export'`, /this statement is an EXPORT|Permission Error/],
    ["CREATE", `CREATE TABLE t AS SELECT 1`, /this statement is a CREATE/],
    ["a statement smuggled into query()", `SELECT * FROM query('ATTACH ''/tmp/si-escape.duckdb''')`, FN("query")],
    ["SET VARIABLE", `SET VARIABLE x = 1`, /this statement is a SET/],
    ["RESET", `RESET lock_configuration`, /this statement is a SET/],
    ["USE", `USE memory`, /this statement is a SET/],
    ["DETACH", `DETACH memory`, /this statement is a DETACH/],
    ["CREATE SECRET", `CREATE SECRET s (TYPE s3)`, /Permission Error|this statement is a CREATE|Secret type/],
    ["IMPORT DATABASE", `IMPORT DATABASE '/tmp'`, /Permission Error|this statement is an IMPORT/],
    ["CHECKPOINT", `CHECKPOINT`, /this statement is a CALL/],
    ["EXPLAIN ANALYZE", `EXPLAIN ANALYZE SELECT 1`, /this statement is an EXPLAIN/],
    ["PIVOT, which DuckDB expands to several statements", `PIVOT sales ON id`, /exactly one statement/],
    ["multi-statement", `SELECT 1; SELECT 2`, /exactly one statement; this query has 2/],
    ["SELECT hiding a second statement", `SELECT 1; COPY (SELECT 1) TO '/tmp/x.csv'`, /exactly one statement/],
    // DuckDB reads SQL up to a NUL: the check and the run would see different statements.
    ["a NUL byte", "SELECT 1 AS a -- \0) TO '/tmp/x.csv'; COPY (SELECT 1", /NUL character/],
  ];

  const fill = (sql: string) => sql.replaceAll("{A}", fileA).replaceAll("{B}", fileB).replaceAll("{ROOT}", root);

  it.each(refused)("refuses %s", async (_what, sql, message) => {
    await expect(inSandbox(fill(sql))).rejects.toThrow(message);
  });

  it.each(fileEscapes)("the locked instance itself refuses %s", async (_what, sql) => {
    await expect(inLockedSession(fill(sql))).rejects.toThrow(/Permission Error|disabled by configuration/);
  });

  it("leaves the files it refused to write untouched", async () => {
    expect(fs.existsSync("/tmp/si-escape.csv")).toBe(false);
    expect(fs.existsSync("/tmp/si-escape.duckdb")).toBe(false);
    const d = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
    const rows = (await d.conn.runAndReadAll(`SELECT count(*)::INT AS n FROM ${lit(fileA)}`)).getRowObjectsJson();
    closeDuck(d);
    expect(rows).toEqual([{ n: 10 }]);
  });

  it("allows exactly this tenant's files and the result file, and no directory but its own spill", async () => {
    const [row] = (await inLockedSession(
      "SELECT (SELECT value FROM duckdb_settings() WHERE name = 'allowed_paths') AS paths, " +
        "(SELECT value FROM duckdb_settings() WHERE name = 'allowed_directories') AS dirs",
    )) as { paths: string; dirs: string }[];
    expect(row!.paths).toContain(fileA);
    expect(row!.paths).toContain(resultPath);
    expect(row!.paths).not.toContain(fileB);
    // DuckDB itself adds the session's own spill directory (a fresh one per query in the worker).
    expect(row!.dirs).toBe(`[${path.join(root, "spill")}/]`);
  });

  it("gives a spare instance the query's own limits and spill directory before locking", async () => {
    const spare = new SpareDuck({ memoryLimit: "512MB", threads: 2, tempDir: path.join(root, "spare") });
    spare.warm();
    const d = await spare.take({ memoryLimit: "64MB", threads: 1, tempDir: path.join(root, "q1-spill") });
    try {
      await lockDownSession(d.conn, { datasets: [{ name: "sales", paths: [fileA] }], resultPath });
      const rows = (
        await d.conn.runAndReadAll(
          `SELECT current_setting('threads') AS threads, current_setting('temp_directory') AS tmp,
             (SELECT value FROM duckdb_settings() WHERE name = 'allowed_directories') AS dirs`,
        )
      ).getRowObjectsJson();
      expect(rows).toEqual([
        { threads: "1", tmp: path.join(root, "q1-spill"), dirs: `[${path.join(root, "q1-spill")}/]` },
      ]);
      const mem = (await d.conn.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjectsJson();
      expect(mem).toEqual([{ m: "61.0 MiB" }]);
    } finally {
      closeDuck(d);
      await spare.close();
    }
  });

  it("keeps the configuration locked", async () => {
    await expect(inSandbox("SELECT current_setting('enable_external_access') AS v")).resolves.toEqual([{ v: false }]);
    await expect(inSandbox("SELECT current_setting('lock_configuration') AS v")).resolves.toEqual([{ v: true }]);
  });
});
