import { StatementType, type DuckDBConnection } from "@duckdb/node-api";
import { DomainError, isDomainError } from "@scrollintel/core/errors";
import { checkSqlText, checkStatements, quoteIdent } from "@scrollintel/core/sql-check";
import { lit } from "./open-duck";
import { refuseUnlistedSql } from "./sql-allowlist";
import { SANDBOX_SETTINGS } from "./sql-allowlist-policy";
import { collectSqlFacts, serializeSql } from "./sql-allowlist-tree";

export interface SandboxDataset {
  name: string;
  /** Local Parquet paths of the dataset's READY version. */
  paths: string[];
  /** The dataset's rows when they are not just read_parquet(paths) (streaming datasets: parts plus segments). */
  sql?: string;
  /** The view's select list for this reader (masked columns replaced); `*` when absent. */
  select?: string;
  /** This reader's row filter (core/access row-filter.ts output), checked again here before it is used. */
  where?: string | null;
}

/**
 * Turns a fresh instance into a tenant's sandbox: one view per dataset, file
 * access limited to exactly those files plus the tenant's own result file or
 * result directory, then external access off and configuration locked, all
 * before any user SQL. (DuckDB adds the instance's own spill directory.)
 */
export async function lockDownSession(
  conn: DuckDBConnection,
  opts: {
    datasets: SandboxDataset[];
    resultPath?: string;
    resultDir?: string;
    extraPaths?: string[];
    /** Caps the instance's temporary spill (DuckDB's default is 90% of the free disk). */
    spillBytesLimit?: bigint;
  },
): Promise<void> {
  const allowed = [...opts.datasets.flatMap((d) => d.paths), ...(opts.resultPath ? [opts.resultPath] : [])];
  allowed.push(...(opts.extraPaths ?? []));
  const dirs = opts.resultDir ? [`${opts.resultDir.replace(/\/+$/, "")}/`] : [];
  await conn.run(`SET allowed_paths = [${allowed.map(lit).join(", ")}]`);
  await conn.run(`SET allowed_directories = [${dirs.map(lit).join(", ")}]`);
  for (const d of opts.datasets) await conn.run(await datasetViewSql(conn, d));
  // Extensions, secrets and logging stay off whatever the instance was opened with.
  for (const setting of SANDBOX_SETTINGS) await conn.run(setting);
  if (opts.spillBytesLimit !== undefined) {
    await conn.run(`SET max_temp_directory_size = '${BigInt(opts.spillBytesLimit)}B'`);
  }
  await conn.run("SET enable_external_access = false");
  await conn.run("SET lock_configuration = true");
}

/**
 * A dataset's view for this session's reader: masks in the select list, the
 * row filter in WHERE. The view is the only way user SQL reaches the data, so
 * no query can see a raw masked value or a filtered row.
 */
async function datasetViewSql(conn: DuckDBConnection, d: SandboxDataset): Promise<string> {
  // A streaming dataset's rows (parts plus pending segments) are masked and filtered the same way.
  const from = d.sql ? `(${d.sql}) AS rows_of_dataset` : `read_parquet([${d.paths.map(lit).join(", ")}])`;
  if (d.where) await refuseUnsafeFilter(conn, d.where);
  const where = d.where ? ` WHERE ${d.where}` : "";
  return `CREATE VIEW ${quoteIdent(d.name)} AS SELECT ${d.select ?? "*"} FROM ${from}${where}`;
}

/** A row filter may only compute over the row: allowlisted functions, no tables, no subqueries. */
async function refuseUnsafeFilter(conn: DuckDBConnection, where: string): Promise<void> {
  const tree = await serializeSql(conn, `SELECT 1 FROM row_filter_target WHERE ${where}`);
  if (!tree) throw new DomainError("BAD_REQUEST", "A row filter of this dataset cannot be checked.");
  const facts = collectSqlFacts(tree);
  const tables = facts.tables.map((t) => t.name);
  if (
    facts.tableFunctions.length ||
    facts.cteNames.length ||
    tables.length !== 1 ||
    tables[0] !== "row_filter_target"
  ) {
    throw new DomainError("BAD_REQUEST", "A row filter of this dataset reads other tables.");
  }
  await refuseUnlistedSql(conn, { ...facts, tables: [] });
}

const TYPE_NAMES = Object.fromEntries(
  Object.entries(StatementType)
    .filter(([, v]) => typeof v === "number")
    .map(([k, v]) => [v, k]),
) as Record<number, string>;

/**
 * Asks DuckDB's own parser what the SQL is; anything but exactly one SELECT
 * is refused before it runs, and so is a SELECT that reaches beyond the
 * allowlist (sql-allowlist.ts): its parse tree is judged before anything in it
 * is bound. Returns the single statement's text.
 */
export async function checkUserSql(
  conn: DuckDBConnection,
  sql: string,
  opts: { allowlist?: boolean } = {},
): Promise<string> {
  const text = checkSqlText(sql).replace(/;\s*$/, "");
  // DuckDB reads SQL as a C string: after a NUL, what is checked and what runs could differ.
  if (text.includes("\0")) throw new DomainError("BAD_REQUEST", "The query contains a NUL character (\\0).");
  const tree = await serializeSql(conn, text);
  if (tree && opts.allowlist !== false) await refuseUnlistedSql(conn, collectSqlFacts(tree));
  await checkSingleSelect(conn, text);
  // A single SELECT DuckDB could not serialize cannot be judged, so it does not run.
  if (!tree) throw new DomainError("BAD_REQUEST", "This query cannot be checked by the query sandbox.");
  return text;
}

/** Exactly one statement, and a SELECT: DuckDB's parser and binder decide (nothing runs). */
async function checkSingleSelect(conn: DuckDBConnection, text: string): Promise<void> {
  // One statement (the usual case) needs one call: DuckDB refuses to prepare
  // several at once, and then the statement-by-statement path below says which.
  let singleError: unknown;
  try {
    const single = await conn.prepare(text);
    checkStatements([{ type: TYPE_NAMES[single.statementType] ?? "UNKNOWN" }]);
    return;
  } catch (e) {
    if (isDomainError(e)) throw e;
    singleError = e;
  }
  let extracted;
  try {
    extracted = await conn.extractStatements(text);
  } catch (e) {
    throw new DomainError("BAD_REQUEST", firstLine(e));
  }
  // A single statement that failed to prepare: its own error (preparing it again may fail differently).
  if (extracted.count <= 1) throw new DomainError("BAD_REQUEST", firstLine(singleError));
  const types: { type: string }[] = [];
  for (let i = 0; i < extracted.count; i++) {
    try {
      const prepared = await extracted.prepare(i);
      types.push({ type: TYPE_NAMES[prepared.statementType] ?? "UNKNOWN" });
    } catch {
      types.push({ type: "UNKNOWN" });
    }
  }
  checkStatements(types);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
}

/**
 * The dataset views a checked statement reads, from DuckDB's own parse tree
 * (json_serialize_sql): every base-table reference whose name is a dataset.
 * A CTE that shadows a dataset's name counts too, so this errs towards more.
 */
export async function referencedDatasets(conn: DuckDBConnection, sql: string, names: string[]): Promise<Set<string>> {
  const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
  const tree = await serializeSql(conn, sql);
  const tables = tree ? collectSqlFacts(tree).tables : [];
  return new Set(tables.flatMap((t) => byLower.get(t.name.toLowerCase()) ?? []));
}
