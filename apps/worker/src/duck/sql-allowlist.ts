import type { DuckDBConnection } from "@duckdb/node-api";
import { DomainError } from "@scrollintel/core/errors";
import { ALLOWED_FUNCTIONS } from "./sql-allowlist-functions";
import {
  AGGREGATE_BY_NAME,
  ALLOWED_TABLE_FUNCTIONS,
  PARSER_FUNCTIONS,
  READABLE_SETTINGS,
} from "./sql-allowlist-policy";
import { literalString, type FunctionCall, type SqlFacts, type TableName } from "./sql-allowlist-tree";

const TABLE_FUNCTIONS = new Set(ALLOWED_TABLE_FUNCTIONS);
const PARSER = new Set(PARSER_FUNCTIONS);
const SETTINGS = new Set(READABLE_SETTINGS);
const BY_NAME = new Set(AGGREGATE_BY_NAME);

/**
 * Refuses a parsed query that reaches anything but pure computation over this
 * workspace's datasets: every function and table function must be on the
 * allowlist, every table a dataset view or a CTE of the query. Throws a
 * BAD_REQUEST DomainError naming the first thing refused.
 */
export async function refuseUnlistedSql(conn: DuckDBConnection, facts: SqlFacts): Promise<void> {
  if (facts.unknown.length) {
    throw refusal(`This query uses ${facts.unknown[0]}, which the query sandbox cannot check.`);
  }
  if (facts.showRefs) throw refusal("DESCRIBE, SHOW and SUMMARIZE are not available in queries.");
  for (const call of facts.tableFunctions) {
    if (!TABLE_FUNCTIONS.has(call.name.toLowerCase())) throw notAvailable(call);
  }
  for (const call of facts.functions) checkFunction(call);
  await checkTables(conn, facts);
}

/**
 * Judged by name alone: `x.f()` is a call of f whatever x is (a column, in
 * method-call syntax, or a schema), and no schema holds a function of an
 * allowed name that does anything else (user SQL cannot create functions).
 */
function checkFunction(call: FunctionCall): void {
  const name = call.name.toLowerCase();
  if (name === "current_setting") {
    const setting = call.args.length === 1 ? literalString(call.args[0]) : null;
    if (setting !== null && SETTINGS.has(setting.toLowerCase())) return;
    throw refusal(
      `Setting ${setting ?? "(computed)"} is not available in queries; current_setting reads only ${READABLE_SETTINGS.join(", ")}.`,
    );
  }
  if (!ALLOWED_FUNCTIONS.has(name) && !PARSER.has(name)) throw notAvailable(call);
  if (BY_NAME.has(name)) {
    // In method-call syntax (`l.list_aggregate('sum')`) the list is not among the arguments.
    const aggregate = literalString(call.args[isMethodCall(call) ? 0 : 1]);
    if (aggregate === null) throw refusal(`${call.name} needs the aggregate's name as a literal, e.g. 'sum'.`);
    if (!ALLOWED_FUNCTIONS.has(aggregate.toLowerCase())) throw refusal(notAvailableText(aggregate));
  }
}

/** `x.f(…)` where x is not one of DuckDB's function schemas: x is a column. */
function isMethodCall(call: FunctionCall): boolean {
  return call.schema !== "" && !["main", "pg_catalog"].includes(call.schema.toLowerCase());
}

/**
 * A table name must be one of the workspace's dataset views or a CTE of this
 * query. System views (duckdb_settings, pg_settings, information_schema.*) and
 * file names (replacement scans) are neither. A CTE may not take a system
 * view's name, so an out-of-scope reference cannot fall through to the view.
 */
async function checkTables(conn: DuckDBConnection, facts: SqlFacts): Promise<void> {
  if (!facts.tables.length && !facts.cteNames.length) return;
  const { datasets, taken } = await readCatalogNames(conn);
  const ctes = new Set(facts.cteNames.map((n) => n.toLowerCase()));
  for (const cte of ctes) {
    if (taken.has(cte)) throw refusal(`Name the CTE ${cte} differently: that is the name of a system table.`);
  }
  for (const t of facts.tables) {
    const name = t.name.toLowerCase();
    if (!t.schema && !t.catalog && ctes.has(name)) continue;
    const database = datasets.get(name);
    const inDefault = (t.schema === "" || t.schema === "main") && (t.catalog === "" || t.catalog === database);
    if (database !== undefined && inDefault) continue;
    if (taken.has(name) || t.schema || t.catalog) throw refusal(`Table ${display(t)} is not available in queries.`);
    throw refusal(`Table ${t.name} does not exist: queries read this workspace's datasets by name.`);
  }
}

/** Dataset views (name -> database) and every other table or view name in the catalog. */
async function readCatalogNames(conn: DuckDBConnection) {
  const r = await conn.runAndReadAll(
    `SELECT lower(database_name), lower(view_name), internal FROM duckdb_views()
     UNION ALL SELECT lower(database_name), lower(table_name), internal FROM duckdb_tables()`,
  );
  const datasets = new Map<string, string>();
  const taken = new Set<string>();
  for (const [database, name, internal] of r.getRows()) {
    if (!internal && database !== "system" && database !== "temp") datasets.set(String(name), String(database));
    else taken.add(String(name));
  }
  for (const name of datasets.keys()) taken.delete(name);
  return { datasets, taken };
}

function display(t: TableName): string {
  return [t.catalog, t.schema, t.name].filter(Boolean).join(".");
}

function notAvailable(call: FunctionCall): DomainError {
  return refusal(notAvailableText(call.name));
}

function notAvailableText(name: string): string {
  return `Function ${name} is not available in queries.`;
}

/** Marked as the sandbox's refusal, so the query task audits it (refusal-audit-service). */
function refusal(message: string): DomainError {
  return new DomainError("BAD_REQUEST", message, { sandbox: true });
}
