import type { DuckDBConnection } from "@duckdb/node-api";
import { lit } from "./open-duck";
import { readExpression, type Col, type ReadSpec } from "./source-sql";

export interface Inspection {
  columns: Col[];
  /** First rows as DuckDB reads them, JSON-safe: the schema preview. */
  sample: Record<string, unknown>[];
  dialect?: { delimiter: string; quote: string; header: boolean; newLine: string; skipRows: number };
}

const SAMPLE_ROWS = 20;
const DELIMITERS = [",", ";", "\t", "|"];

/**
 * DuckDB's sniffer gives up on a ragged file by reading each line as one
 * text column. When the header line plainly holds a delimiter, say so and
 * where the field counts differ, instead of ingesting one useless column.
 */
export function raggedFileError(head: string, columns: Col[]): string | null {
  if (columns.length !== 1 || columns[0]!.type !== "VARCHAR") return null;
  const lines = head
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .slice(0, 50);
  const first = lines[0] ?? "";
  const delim = DELIMITERS.map((d) => ({ d, n: first.split(d).length })).sort((a, b) => b.n - a.n)[0]!;
  if (delim.n < 2) return null;
  const name = delim.d === "\t" ? "tab" : `"${delim.d}"`;
  const odd = lines.findIndex((l, i) => i > 0 && l !== "" && l.split(delim.d).length !== delim.n);
  const where =
    odd > 0
      ? `line 1 has ${delim.n} ${name}-separated fields but line ${odd + 1} has ${lines[odd]!.split(delim.d).length}`
      : "";
  return (
    `Could not tell the columns apart: the lines do not all have the same number of fields` +
    (where ? ` (${where})` : "") +
    `. Choose the delimiter (${name}?) and the bad-row policy "skip" to keep the well-formed rows, then re-ingest.`
  );
}

async function rows(conn: DuckDBConnection, sql: string) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

/** Columns, dialect and first rows of a source, before anything is converted. */
export async function inspectSource(conn: DuckDBConnection, spec: ReadSpec, head: string): Promise<Inspection> {
  const plain: ReadSpec = { ...spec, types: undefined, rejects: undefined };
  let dialect: Inspection["dialect"];
  if (spec.format === "csv") {
    const args = [lit(spec.file), `compression = ${lit(spec.compression)}`];
    const d = spec.options.delimiter;
    if (d) args.push(`delim = ${lit(d === "\\t" ? "\t" : d)}`);
    if (spec.options.header !== undefined) args.push(`header = ${spec.options.header}`);
    const s = (await rows(conn, `FROM sniff_csv(${args.join(", ")})`))[0]!;
    dialect = {
      delimiter: String(s.Delimiter),
      quote: String(s.Quote),
      header: Boolean(s.HasHeader),
      newLine: String(s.NewLineDelimiter),
      skipRows: Number(s.SkipRows),
    };
  }
  const described = await rows(conn, `DESCRIBE SELECT * FROM ${readExpression(plain)}`);
  const columns = described.map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
  if (spec.format === "csv" && !spec.options.delimiter) {
    const ragged = raggedFileError(head, columns);
    if (ragged) throw new Error(ragged);
  }
  const sample = await rows(conn, `SELECT * FROM ${readExpression(plain)} LIMIT ${SAMPLE_ROWS}`);
  return { columns, sample, dialect };
}
