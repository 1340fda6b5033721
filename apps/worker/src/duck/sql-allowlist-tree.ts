import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";
import { SQL_VALUE_FUNCTIONS } from "./sql-allowlist-policy";

/** A function call as DuckDB's parser wrote it. */
export interface FunctionCall {
  name: string;
  schema: string;
  catalog: string;
  args: unknown[];
}

/** A table or view named in FROM (a dataset, a CTE, a system view, or a file by replacement scan). */
export interface TableName {
  name: string;
  schema: string;
  catalog: string;
}

/** Everything in a parse tree that can reach beyond pure computation. */
export interface SqlFacts {
  functions: FunctionCall[];
  tableFunctions: FunctionCall[];
  tables: TableName[];
  cteNames: string[];
  /** DESCRIBE, SHOW and SUMMARIZE in FROM. */
  showRefs: number;
  /** Node kinds this walker does not know: the check refuses them rather than guess. */
  unknown: string[];
}

type JsonNode = Record<string, unknown>;

// DuckDB's parsed (unbound) expression classes, query nodes and table references
// (v1.5.6 ParsedExpression / QueryNode / TableRef). A kind not listed is unknown.
const EXPRESSION_CLASSES = new Set([
  "BETWEEN",
  "CASE",
  "CAST",
  "COLLATE",
  "COLUMN_REF",
  "COMPARISON",
  "CONJUNCTION",
  "CONSTANT",
  "DEFAULT",
  "FUNCTION",
  "LAMBDA",
  "LAMBDA_REF",
  "OPERATOR",
  "PARAMETER",
  "POSITIONAL_REFERENCE",
  "STAR",
  "SUBQUERY",
  "WINDOW",
]);
const CALL_CLASSES = new Set(["FUNCTION", "WINDOW"]);
const VALUE_FUNCTIONS = new Map(Object.entries(SQL_VALUE_FUNCTIONS));
const QUERY_NODES = new Set(["SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"]);
const TABLE_REFS = new Set(["BASE_TABLE", "EMPTY", "EXPRESSION_LIST", "JOIN", "PIVOT", "SUBQUERY", "TABLE_FUNCTION"]);

/**
 * DuckDB's own parse tree of `sql` (json_serialize_sql: parsing only, nothing
 * is bound or run), or null when DuckDB cannot serialize it (any statement
 * that is not a SELECT).
 */
export async function serializeSql(conn: DuckDBConnection, sql: string): Promise<JsonNode | null> {
  try {
    const r = await conn.runAndReadAll(`SELECT json_serialize_sql(${lit(sql)})`);
    const tree = JSON.parse(String(r.getRows()[0]?.[0] ?? "{}")) as JsonNode;
    return tree.error === false && Array.isArray(tree.statements) ? tree : null;
  } catch {
    return null; // the caller refuses what it cannot judge
  }
}

/** Walks every node of a serialized tree (all statements) and collects what the allowlist judges. */
export function collectSqlFacts(tree: JsonNode): SqlFacts {
  const facts: SqlFacts = { functions: [], tableFunctions: [], tables: [], cteNames: [], showRefs: 0, unknown: [] };
  visit(tree.statements, facts);
  return facts;
}

function visit(value: unknown, facts: SqlFacts): void {
  if (Array.isArray(value)) {
    for (const v of value) visit(v, facts);
    return;
  }
  if (!value || typeof value !== "object") return;
  const node = value as JsonNode;
  if (typeof node.class === "string") noteExpression(node, facts);
  else if (typeof node.type === "string" && "cte_map" in node) noteQueryNode(node, facts);
  else if (typeof node.type === "string" && "sample" in node) noteTableRef(node, facts);
  for (const [key, child] of Object.entries(node)) {
    // A table function's call is not a scalar call: its arguments are walked, the call itself was noted.
    if (key === "function" && node.type === "TABLE_FUNCTION" && child && typeof child === "object") {
      visit(Object.values(child), facts);
    } else {
      visit(child, facts);
    }
  }
}

function noteExpression(node: JsonNode, facts: SqlFacts): void {
  if (!EXPRESSION_CLASSES.has(node.class as string)) facts.unknown.push(`the expression ${String(node.class)}`);
  if (node.class === "COLUMN_REF") noteValueFunction(node, facts);
  if (!CALL_CLASSES.has(node.class as string)) return;
  if (typeof node.function_name !== "string") facts.unknown.push(`a ${String(node.class)} without a name`);
  else facts.functions.push(toCall(node));
}

/** `user`, `current_schema`, …: a call unless a column has that name; judged as the call. */
function noteValueFunction(node: JsonNode, facts: SqlFacts): void {
  const names = node.column_names;
  if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== "string") return;
  const fn = VALUE_FUNCTIONS.get(names[0].toLowerCase());
  if (fn) facts.functions.push({ name: fn, schema: "", catalog: "", args: [] });
}

function noteQueryNode(node: JsonNode, facts: SqlFacts): void {
  if (!QUERY_NODES.has(node.type as string)) facts.unknown.push(`the query node ${String(node.type)}`);
  const map = (node.cte_map as { map?: { key?: unknown }[] } | null)?.map ?? [];
  for (const entry of map) if (typeof entry.key === "string") facts.cteNames.push(entry.key);
}

function noteTableRef(node: JsonNode, facts: SqlFacts): void {
  const type = node.type as string;
  if (type === "SHOW_REF") facts.showRefs++;
  else if (!TABLE_REFS.has(type)) facts.unknown.push(`the table reference ${type}`);
  else if (type === "BASE_TABLE") {
    facts.tables.push({
      name: String(node.table_name ?? ""),
      schema: String(node.schema_name ?? ""),
      catalog: String(node.catalog_name ?? ""),
    });
  } else if (type === "TABLE_FUNCTION") {
    const fn = node.function as JsonNode | null;
    if (fn?.class === "FUNCTION" && typeof fn.function_name === "string") facts.tableFunctions.push(toCall(fn));
    else facts.unknown.push("a table function that is not a plain call");
  }
}

function toCall(node: JsonNode): FunctionCall {
  return {
    name: node.function_name as string,
    schema: String(node.schema ?? ""),
    catalog: String(node.catalog ?? ""),
    args: Array.isArray(node.children) ? node.children : [],
  };
}

/** The string value of a literal argument, or null for anything computed. */
export function literalString(arg: unknown): string | null {
  const node = arg as { class?: unknown; value?: { is_null?: unknown; value?: unknown } } | null;
  if (node?.class !== "CONSTANT" || node.value?.is_null !== false) return null;
  return typeof node.value.value === "string" ? node.value.value : null;
}
