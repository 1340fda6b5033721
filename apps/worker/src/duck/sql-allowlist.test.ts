import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError } from "@scrollintel/core/errors";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { closeDuck, lit, openDuck, type Duck } from "./open-duck";
import { checkUserSql, lockDownSession } from "./sandbox";
import { deriveAllowedFunctions } from "./sql-allowlist-derive";
import { ALLOWED_FUNCTIONS, ALLOWED_FUNCTIONS_DUCKDB_VERSION } from "./sql-allowlist-functions";
import { refuseUnlistedSql } from "./sql-allowlist";
import { ALLOWED_TABLE_FUNCTIONS, DENIED_FUNCTIONS, SQL_VALUE_FUNCTIONS } from "./sql-allowlist-policy";
import { collectSqlFacts, serializeSql } from "./sql-allowlist-tree";

// The allowlist as a class: every function, table function and system table
// DuckDB has is either on the reviewed list or refused by checkUserSql, so
// whatever a later DuckDB adds is refused until someone lists it.
let root: string;
let duck: Duck;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "si-allowlist-"));
  const file = path.join(root, "sales.parquet");
  duck = await openDuck({ memoryLimit: "256MB", threads: 1, tempDir: path.join(root, "spill") });
  await duck.conn.run(
    `COPY (SELECT range AS id, 'a' || range AS label FROM range(10)) TO ${lit(file)} (FORMAT parquet)`,
  );
  await lockDownSession(duck.conn, { datasets: [{ name: "sales", paths: [file] }], resultDir: path.join(root, "r") });
});

afterAll(() => {
  closeDuck(duck);
  fs.rmSync(root, { recursive: true, force: true });
});

async function catalog(sql: string): Promise<string[][]> {
  return (await duck.conn.runAndReadAll(sql)).getRows().map((r) => r.map(String));
}

/** The refusal checkUserSql gives, or null when it accepts the SQL. */
async function refusalOf(sql: string): Promise<string | null> {
  try {
    await checkUserSql(duck.conn, sql);
    return null;
  } catch (e) {
    if (!isDomainError(e)) throw e;
    // Statements other than SELECT are FORBIDDEN by core's statement rule; the allowlist says BAD_REQUEST.
    expect(e.code).toBe(e.message.startsWith("Only SELECT queries") ? "FORBIDDEN" : "BAD_REQUEST");
    return e.message;
  }
}

describe("the generated function allowlist", () => {
  it("is this DuckDB's catalog minus the reviewed deny part (regenerate with scripts/gen-sql-allowlist.ts)", async () => {
    const [[version]] = (await catalog("SELECT version()")) as [[string]];
    expect(ALLOWED_FUNCTIONS_DUCKDB_VERSION).toBe(version);
    expect([...ALLOWED_FUNCTIONS]).toEqual(await deriveAllowedFunctions(duck.conn));
  });

  it("denies only names DuckDB has, so a misspelt deny entry cannot leave the real function allowed", async () => {
    const names = new Set((await catalog("SELECT DISTINCT lower(function_name) FROM duckdb_functions()")).flat());
    const denied = Object.values(DENIED_FUNCTIONS).flat();
    expect(denied.filter((n) => !names.has(n))).toEqual([]);
    expect(ALLOWED_TABLE_FUNCTIONS.filter((n) => !names.has(n))).toEqual([]);
  });
});

describe("checkUserSql refuses everything off the allowlist", () => {
  it("refuses every table function and table macro that is not listed, naming it", async () => {
    const rows = await catalog(
      "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('table', 'table_macro') ORDER BY 1",
    );
    const unlisted = rows.map(([n]) => n!).filter((n) => !ALLOWED_TABLE_FUNCTIONS.includes(n));
    expect(unlisted.length).toBeGreaterThan(80);
    for (const name of unlisted) {
      expect(await refusalOf(`SELECT * FROM ${quoteIdent(name)}()`), name).toBe(
        `Function ${name} is not available in queries.`,
      );
    }
  });

  it("refuses every scalar, aggregate and macro function that is not listed, naming it", async () => {
    const rows = await catalog(
      "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro')",
    );
    const unlisted = rows.map(([n]) => n!).filter((n) => !ALLOWED_FUNCTIONS.has(n.toLowerCase()));
    expect(unlisted.length).toBeGreaterThan(50);
    for (const name of unlisted) {
      const message = await refusalOf(`SELECT ${quoteIdent(name)}('x')`);
      if (name === "current_setting") expect(message).toMatch(/^Setting x is not available in queries/);
      else expect(message, name).toBe(`Function ${name} is not available in queries.`);
    }
  });

  it("refuses every system table and view, qualified or not", async () => {
    const rows = await catalog(
      `SELECT database_name, schema_name, view_name FROM duckdb_views() WHERE internal
       UNION ALL SELECT database_name, schema_name, table_name FROM duckdb_tables() WHERE internal`,
    );
    expect(rows.length).toBeGreaterThan(40);
    for (const [db, schema, name] of rows) {
      const q = [db, schema, name].map((p) => quoteIdent(p!)).join(".");
      expect(await refusalOf(`SELECT * FROM ${q}`)).toBe(`Table ${db}.${schema}.${name} is not available in queries.`);
      expect(await refusalOf(`SELECT * FROM ${quoteIdent(name!)}`)).toMatch(
        new RegExp(`^Table ${name} (is not available in queries|does not exist)`),
      );
    }
  });

  it("refuses every pragma as a statement", async () => {
    const rows = await catalog("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'pragma'");
    for (const [name] of rows) await expect(checkUserSql(duck.conn, `PRAGMA ${name}`)).rejects.toSatisfy(isDomainError);
  });

  it("accepts and runs every listed table function", async () => {
    const calls: Record<string, string> = {
      generate_series: "generate_series(1, 3)",
      icu_calendar_names: "icu_calendar_names()",
      json_each: `json_each('{"a": 1}')`,
      json_tree: `json_tree('{"a": [1, 2]}')`,
      pg_timezone_names: "pg_timezone_names()",
      range: "range(3)",
      repeat: "repeat(1, 2)",
      repeat_row: "repeat_row(1, 'x', num_rows = 2)",
      unnest: "unnest([1, 2])",
    };
    expect(Object.keys(calls)).toEqual(ALLOWED_TABLE_FUNCTIONS);
    for (const call of Object.values(calls)) {
      const sql = `SELECT count(*)::INT AS n FROM ${call}`;
      expect(await refusalOf(sql), sql).toBeNull();
      const [row] = (await duck.conn.runAndReadAll(sql)).getRowObjectsJson();
      expect(row!.n, call).toBeGreaterThan(0);
    }
  });
});

describe("checkUserSql refuses what reveals or changes the instance, wherever it hides", () => {
  const FN = (name: string) => `Function ${name} is not available in queries.`;
  const cases: Array<[string, string]> = [
    // The issue's reproductions: logging that shows other members' SQL, and the native abort.
    ["SELECT * FROM enable_logging()", FN("enable_logging")],
    ["SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp/x')", FN("enable_logging")],
    ["SELECT * FROM enable_logging(storage_config = {'path': '/tmp/x'})", FN("enable_logging")],
    ["FROM duckdb_logs()", FN("duckdb_logs")],
    ["SELECT * FROM duckdb_logs", "Table duckdb_logs is not available in queries."],
    ["FROM duckdb_logs_parsed('QueryLog')", FN("duckdb_logs_parsed")],
    ["FROM duckdb_settings()", FN("duckdb_settings")],
    ["SELECT * FROM pg_settings", "Table pg_settings is not available in queries."],
    ["SELECT * FROM information_schema.tables", "Table information_schema.tables is not available in queries."],
    ["SELECT * FROM duckdb_views", "Table duckdb_views is not available in queries."],
    ["SELECT current_setting('temp_directory')", "Setting temp_directory is not available in queries"],
    ["SELECT current_setting('home_directory')", "Setting home_directory is not available in queries"],
    ["SELECT current_setting('Time' || 'Zone')", "Setting (computed) is not available in queries"],
    ["FROM duckdb_databases()", FN("duckdb_databases")],
    ["FROM duckdb_temporary_files()", FN("duckdb_temporary_files")],
    ["FROM duckdb_extensions()", FN("duckdb_extensions")],
    ["FROM pragma_database_size()", FN("pragma_database_size")],
    ["FROM which_secret('s3://x', 's3')", FN("which_secret")],
    ["FROM duckdb_secrets()", FN("duckdb_secrets")],
    ["SELECT getvariable('x')", FN("getvariable")],
    ["FROM checkpoint()", FN("checkpoint")],
    ["FROM force_checkpoint()", FN("force_checkpoint")],
    ["FROM query('SELECT 1')", FN("query")],
    ["FROM query_table('sales')", FN("query_table")],
    ["FROM histogram(sales, id)", FN("histogram")],
    ["FROM json_execute_serialized_sql('{}')", FN("json_execute_serialized_sql")],
    ["SELECT json_serialize_plan('SELECT * FROM sales')", FN("json_serialize_plan")],
    ["SELECT pg_get_viewdef('sales')", FN("pg_get_viewdef")],
    ["SELECT current_query()", FN("current_query")],
    ["SELECT write_log('x')", FN("write_log")],
    ["SELECT stats(id) FROM sales", FN("stats")],
    ["SELECT nextval('s')", FN("nextval")],
    ["SELECT sleep_ms(100000)", FN("sleep_ms")],
    ["SELECT system.main.version()", FN("version")],
    ["SELECT pg_catalog.current_query()", FN("current_query")],
    ["SELECT label.current_query() FROM sales", FN("current_query")],
    ["SELECT label.current_setting() FROM sales", "Setting (computed) is not available in queries"],
    ["SELECT * FROM system.main.enable_logging()", FN("enable_logging")],
    ["SELECT [1].list_aggregate(label) FROM sales", "list_aggregate needs the aggregate's name as a literal"],
    ["SELECT list_aggregate([1], 'sum' || '')", "list_aggregate needs the aggregate's name as a literal, e.g. 'sum'."],
    ["SELECT list_aggregate([1], 'nope_not_a_function')", FN("nope_not_a_function")],
    // The same, hidden in every place an expression or a table can stand.
    ["SELECT list_transform([1], x -> getvariable('x'))", FN("getvariable")],
    ["SELECT sum(id) FILTER (WHERE current_query() <> '') FROM sales", FN("current_query")],
    ["SELECT row_number() OVER (ORDER BY current_setting('home_directory'))", "Setting home_directory"],
    ["SELECT (SELECT max(value) FROM duckdb_settings())", FN("duckdb_settings")],
    ["SELECT * FROM range(3) WHERE EXISTS (FROM duckdb_logs())", FN("duckdb_logs")],
    ["SELECT * FROM range((SELECT count(*) FROM duckdb_logs()))", FN("duckdb_logs")],
    ["WITH c AS (FROM duckdb_settings()) SELECT * FROM c", FN("duckdb_settings")],
    ["WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r, duckdb_logs()) FROM r", FN("duckdb_logs")],
    ["SELECT 1 UNION ALL SELECT count(*) FROM duckdb_secrets()", FN("duckdb_secrets")],
    ["SELECT * FROM (PIVOT sales ON id IN (1) USING first(current_query()))", FN("current_query")],
    ["SELECT COLUMNS(c -> getvariable(c) IS NULL) FROM sales", FN("getvariable")],
    ["SELECT * FROM sales ORDER BY version()", FN("version")],
    ["SELECT * FROM sales, LATERAL (FROM duckdb_settings())", FN("duckdb_settings")],
    ["SELECT * FROM sales JOIN (FROM glob('*')) ON true", FN("glob")],
    ["SELECT * FROM unnest((SELECT list(name) FROM duckdb_settings()))", FN("duckdb_settings")],
    ["SELECT 1 FROM sales GROUP BY current_query_id()", FN("current_query_id")],
    ["SELECT id FROM sales QUALIFY row_number() OVER (ORDER BY current_schemas(true)) = 1", FN("current_schemas")],
    ["SELECT * FROM sales WHERE id = txid_current() USING SAMPLE 1 ROWS", FN("txid_current")],
    // A CTE cannot borrow a system view's name; other names are datasets or nothing.
    ["WITH duckdb_logs AS (SELECT 1) FROM duckdb_logs", "Name the CTE duckdb_logs differently"],
    ["SELECT * FROM salse", "Table salse does not exist: queries read this workspace's datasets by name."],
    ["SELECT * FROM other.main.sales", "Table other.main.sales is not available in queries."],
    // Statements that are not a single SELECT, and SELECTs that are not queries of data.
    ["CALL enable_logging()", "Only SELECT queries can run here; this statement is a CALL statement."],
    ["PRAGMA enable_profiling", "Only SELECT queries can run here; this statement is a PRAGMA statement."],
    ["SET VARIABLE x = 1", "Only SELECT queries can run here; this statement is a SET statement."],
    ["SUMMARIZE sales", "DESCRIBE, SHOW and SUMMARIZE are not available in queries."],
    ["DESCRIBE sales", "DESCRIBE, SHOW and SUMMARIZE are not available in queries."],
    ["SHOW TABLES", "DESCRIBE, SHOW and SUMMARIZE are not available in queries."],
    ["SHOW ALL TABLES", "DESCRIBE, SHOW and SUMMARIZE are not available in queries."],
    ["SELECT * FROM (DESCRIBE sales)", "DESCRIBE, SHOW and SUMMARIZE are not available in queries."],
  ];

  it.each(cases)("refuses %s", async (sql, message) => {
    expect(await refusalOf(sql)).toContain(message);
  });

  it("leaves logging off: refused calls never ran", async () => {
    for (const [sql] of cases.slice(0, 3)) expect(await refusalOf(sql)).not.toBeNull();
    const [[enabled, logs]] = (await catalog(
      "SELECT (SELECT value FROM duckdb_settings() WHERE name = 'enable_logging'), (SELECT count(*) FROM duckdb_logs())",
    )) as [[string, string]];
    expect([enabled, logs]).toEqual(["0", "0"]);
  });

  it("reads the harmless settings", async () => {
    const sql = "SELECT current_setting('TimeZone') IS NOT NULL AS tz, current_setting('lock_configuration') AS locked";
    expect((await duck.conn.runAndReadAll(await checkUserSql(duck.conn, sql))).getRowObjectsJson()).toEqual([
      { tz: true, locked: true },
    ]);
  });
});

describe("what the parse tree does not show", () => {
  it("judges every bare word DuckDB binds as a call (SELECT user) by that call", async () => {
    const fresh = await openDuck({ memoryLimit: "128MB", threads: 1, tempDir: path.join(root, "fresh") });
    try {
      const words = (
        await fresh.conn.runAndReadAll(
          `SELECT keyword_name FROM duckdb_keywords() UNION SELECT function_name FROM duckdb_functions()
           UNION SELECT unnest(${lit(JSON.stringify(Object.keys(SQL_VALUE_FUNCTIONS)))}::VARCHAR[])`,
        )
      )
        .getRows()
        .map(([w]) => String(w));
      const bound: string[] = [];
      for (const word of words) {
        if (
          await fresh.conn.prepare(`SELECT ${quoteIdent(word)}`).then(
            () => true,
            () => false,
          )
        )
          bound.push(word);
      }
      expect(bound.sort()).toEqual(Object.keys(SQL_VALUE_FUNCTIONS).sort());
    } finally {
      closeDuck(fresh);
    }
    for (const fn of Object.values(SQL_VALUE_FUNCTIONS)) expect(ALLOWED_FUNCTIONS.has(fn), fn).toBe(true);
  });

  it("allows no macro whose body calls what the allowlist refuses", async () => {
    const rows = await catalog(
      "SELECT DISTINCT function_name, macro_definition FROM duckdb_functions() WHERE function_type = 'macro'",
    );
    const allowed = rows.filter(([name]) => ALLOWED_FUNCTIONS.has(name!.toLowerCase()));
    expect(allowed.length).toBeGreaterThan(50);
    for (const [name, body] of allowed) {
      const tree = await serializeSql(duck.conn, `SELECT ${body}`);
      expect(tree, name).not.toBeNull();
      await expect(refuseUnlistedSql(duck.conn, collectSqlFacts(tree!)), `${name}: ${body}`).resolves.toBeUndefined();
    }
  });
});
