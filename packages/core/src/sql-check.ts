import { DomainError } from "./errors";

/** What the sandbox learned about user SQL from DuckDB's own parser. */
export interface ParsedStatement {
  /** DuckDB's StatementType name, e.g. "SELECT", "COPY", "PRAGMA". */
  type: string;
}

export const MAX_SQL_CHARS = 100_000;

/** Cheap checks before the SQL is handed to a parser at all. */
export function checkSqlText(sql: string): string {
  const trimmed = sql.trim();
  if (!trimmed) throw new DomainError("BAD_REQUEST", "The query is empty.");
  if (trimmed.length > MAX_SQL_CHARS) {
    throw new DomainError("BAD_REQUEST", `The query is ${trimmed.length} characters; the limit is ${MAX_SQL_CHARS}.`);
  }
  return trimmed;
}

/**
 * The sandbox rule: exactly one statement and it is a SELECT. The statement
 * list and types must come from DuckDB (extractStatements + prepare), never
 * from pattern matching on the text.
 */
export function checkStatements(statements: ParsedStatement[]): void {
  if (statements.length === 0) throw new DomainError("BAD_REQUEST", "The query has no statement.");
  if (statements.length > 1) {
    throw new DomainError(
      "BAD_REQUEST",
      `Write exactly one statement; this query has ${statements.length}. Remove everything after the first semicolon.`,
    );
  }
  const type = statements[0]!.type.toUpperCase();
  if (type !== "SELECT") {
    throw new DomainError(
      "FORBIDDEN",
      `Only SELECT queries can run here; this statement is ${articleFor(type)} ${type} statement.`,
    );
  }
}

function articleFor(word: string): string {
  return /^[AEIOU]/.test(word) ? "an" : "a";
}

/** A dataset's SQL name from a file name: "Sales 2024 (final).csv" -> "sales_2024_final". */
export function toDatasetName(filename: string): string {
  const base = filename.replace(/\.(csv|tsv|txt|json|ndjson|jsonl|parquet)(\.(gz|zst))?$/i, "");
  let name = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60);
  if (!/^[a-z]/.test(name)) name = `t_${name}`;
  return name === "t_" ? "dataset" : name;
}

export const DATASET_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Double-quotes an identifier for DuckDB SQL (names are already restricted; this is belt and braces). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
