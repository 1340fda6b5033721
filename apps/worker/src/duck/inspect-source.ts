import type { DuckDBConnection } from "@duckdb/node-api";
import { cutRows } from "./cut-cells";
import { firstRaggedRecord, likelyDelimiter, recordShapes } from "./csv-records";
import { flattenColumns } from "./flatten-columns";
import { lit } from "./open-duck";
import { buildProjection, csvDialectArgs, readExpression, type Col, type ReadSpec } from "./source-sql";

export interface Inspection {
  columns: Col[];
  /** First rows as DuckDB reads them, JSON-safe: the schema preview. */
  sample: Record<string, unknown>[];
  dialect?: {
    delimiter: string;
    quote: string;
    escape: string;
    comment: string;
    header: boolean;
    newLine: string;
    skipRows: number;
  };
}

const SAMPLE_ROWS = 20;

const delimName = (d: string) => (d === "\t" ? "tab" : `"${d}"`);

/**
 * Where the head's records stop agreeing on their field count, counted the
 * way a CSV reader does (a delimiter inside quotes is part of the value), as
 * a sentence; null when they all agree.
 */
export function raggedLines(head: string, opts: { delimiter?: string; quote?: string } = {}): string | null {
  const quote = opts.quote ?? '"';
  const text = head.replace(/^\uFEFF/, "");
  const delim = opts.delimiter
    ? { delim: opts.delimiter === "\\t" ? "\t" : opts.delimiter }
    : likelyDelimiter(text, quote);
  if (!delim) return null;
  const ragged = firstRaggedRecord(recordShapes(text, delim.delim, quote));
  if (!ragged) return null;
  const name = delimName(delim.delim);
  return (
    `line ${ragged.odd.line} has ${ragged.odd.fields} ${name}-separated fields where line ${ragged.first.line} has ` +
    `${ragged.first.fields} (a delimiter inside quotes counted as part of its value)`
  );
}

/**
 * DuckDB's sniffer gives up on a ragged file by reading each line as one
 * text column, or fails outright once the delimiter is set. Either way, say
 * which line breaks the pattern; the bad-row policy "skip" then reads the
 * rest (the sniffer tolerates the odd lines when errors are ignored).
 */
export function raggedFileError(head: string, opts: { delimiter?: string; quote?: string } = {}): string | null {
  const where = raggedLines(head, opts);
  if (!where) return null;
  return `Could not tell the columns apart: ${where}. Choose the bad-row policy "skip" to leave such lines out (they are listed as rejects), or fix the file, and re-ingest.`;
}

async function rows(conn: DuckDBConnection, sql: string) {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

async function sniffDialect(conn: DuckDBConnection, spec: ReadSpec): Promise<Inspection["dialect"]> {
  const args = [lit(spec.file), `compression = ${lit(spec.compression)}`, ...csvDialectArgs(spec.options)];
  if (spec.options.badRows === "skip") args.push("ignore_errors = true");
  const s = (await rows(conn, `FROM sniff_csv(${args.join(", ")})`))[0]!;
  return {
    delimiter: String(s.Delimiter),
    quote: String(s.Quote),
    escape: String(s.Escape),
    comment: String(s.Comment),
    header: Boolean(s.HasHeader),
    newLine: String(s.NewLineDelimiter),
    skipRows: Number(s.SkipRows),
  };
}

/** A sniffer failure on a CSV file, said with the line that breaks the pattern when there is one. */
function explainSniffFailure(e: unknown, spec: ReadSpec, head: string): never {
  const msg = e instanceof Error ? e.message : String(e);
  if (!/Error when sniffing file/.test(msg)) throw e;
  const ragged = spec.options.badRows === "skip" ? null : raggedFileError(head, spec.options);
  if (ragged) throw new Error(ragged);
  throw new Error(
    "Could not work out how the file is laid out (delimiter, quote and escape characters). " +
      "Choose them under Reading options and re-ingest.",
  );
}

/** Columns, dialect and first rows of a source, before anything is converted. */
export async function inspectSource(conn: DuckDBConnection, spec: ReadSpec, head: string): Promise<Inspection> {
  const csv = spec.format === "csv";
  // Skip: the sniffer and the schema must tolerate the lines that will become rejects.
  const plain: ReadSpec = {
    ...spec,
    types: undefined,
    rejects: undefined,
    ignoreErrors: csv && spec.options.badRows === "skip",
  };
  let dialect: Inspection["dialect"];
  let described: Record<string, unknown>[];
  try {
    if (csv) dialect = await sniffDialect(conn, spec);
    described = await rows(conn, `DESCRIBE SELECT * FROM ${readExpression(plain)}`);
  } catch (e) {
    if (!csv) throw e;
    explainSniffFailure(e, spec, head);
  }
  const read = described.map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
  if (
    csv &&
    !spec.options.delimiter &&
    spec.options.badRows !== "skip" &&
    read.length === 1 &&
    read[0]!.type === "VARCHAR"
  ) {
    const ragged = raggedFileError(head, spec.options);
    if (ragged) throw new Error(ragged);
  }
  const columns: Col[] = spec.options.flatten && !csv ? flattenColumns(read) : read;
  const select = columns.some((c) => c.path)
    ? buildProjection({ ...plain, options: { ...spec.options, columns: [] } }, columns).sql
    : `SELECT * FROM ${readExpression(plain)}`;
  // A 20 MB field must not go whole into the stored schema preview.
  const sample = cutRows(await rows(conn, `${select} LIMIT ${SAMPLE_ROWS}`));
  return { columns, sample, dialect };
}
