import type { IngestOptions } from "@scrollintel/core/ingest-options";
import type { Compression, SourceFormat } from "./detect-format";
import { lit } from "./open-duck";

export interface Col {
  name: string;
  type: string;
  /** A flattened struct field: the path from the source column down (["a","b"] for a_b). */
  path?: string[];
}

export interface ReadSpec {
  file: string;
  format: SourceFormat;
  compression: Compression;
  options: IngestOptions;
  /** Types forced per source column (CSV parses straight into them, so bad values become rejects). */
  types?: Record<string, string>;
  /** Where DuckDB keeps skipped CSV rows: only the bounded example pass (reject-examples.ts) asks for them. */
  rejects?: { table: string; scan: string; limit: number };
  /** CSV: read past bad lines without recording them (a "skip" ingest; they are counted as read − stored). */
  ignoreErrors?: boolean;
}

/** A struct field by its path: struct_extract, never "a"."b", which could name a table's column. */
export function fieldExpression(path: string[]): string {
  return path.slice(1).reduce((e, f) => `struct_extract(${e}, ${lit(f)})`, ident(path[0]!));
}

/** A SQL identifier, quoted. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function structLit(m: Record<string, string>): string {
  return `{${Object.entries(m)
    .map(([k, v]) => `${lit(k)}: ${lit(v)}`)
    .join(", ")}}`;
}

const JSON_FORMATS: Partial<Record<SourceFormat, string>> = {
  json: "array",
  ndjson: "newline_delimited",
  "json-document": "unstructured",
};

/** "\t" as the form spells tab, as the character DuckDB wants. */
const char = (c: string) => (c === "\\t" ? "\t" : c);

/** read_csv's dialect arguments from the options (shared with sniff_csv). */
export function csvDialectArgs(o: IngestOptions): string[] {
  const args: string[] = [];
  if (o.delimiter) args.push(`delim = ${lit(char(o.delimiter))}`);
  if (o.header !== undefined) args.push(`header = ${o.header}`);
  if (o.quote) args.push(`quote = ${lit(char(o.quote))}`);
  if (o.escape) args.push(`escape = ${lit(char(o.escape))}`);
  // Empty fields stay NULL when other null texts are named.
  if (o.nullStrings.length) args.push(`nullstr = [${["", ...o.nullStrings].map(lit).join(", ")}]`);
  if (o.dateFormat) args.push(`dateformat = ${lit(o.dateFormat)}`);
  if (o.timestampFormat) args.push(`timestampformat = ${lit(o.timestampFormat)}`);
  if (o.maxLineBytes) {
    // DuckDB's buffer is 16 lines long by default: 512 MB for a 32 MB line, more than a worker's memory
    // limit may hold. Two lines' worth reads the same file in bounded memory.
    args.push(`max_line_size = ${o.maxLineBytes}`, `buffer_size = ${Math.max(2 * o.maxLineBytes, CSV_BUFFER_BYTES)}`);
  }
  return args;
}

/** DuckDB's own CSV buffer for its default line size (16 × 2 MB). */
const CSV_BUFFER_BYTES = 32_000_000;

/** The DuckDB table function that reads the source as the options say. */
export function readExpression(s: ReadSpec): string {
  // read_json spells "none" as "uncompressed".
  const comp = `compression = ${lit(s.compression === "none" ? "uncompressed" : s.compression)}`;
  if (s.format === "parquet") return `read_parquet(${lit(s.file)})`;
  const jsonFormat = JSON_FORMATS[s.format];
  if (jsonFormat) {
    // No ignore_errors: it turns a bad record into NULLs or drops it with its neighbour, uncounted.
    // Malformed NDJSON lines are taken out (and listed) before DuckDB reads the file (scan-ndjson.ts).
    // One record may be as large as a line may be long in CSV (default 16 MB).
    const size = s.options.maxLineBytes ? `, maximum_object_size = ${s.options.maxLineBytes}` : "";
    return `read_json(${lit(s.file)}, format = ${lit(jsonFormat)}, ${comp}${size})`;
  }
  const args = [lit(s.file), comp, ...csvDialectArgs(s.options)];
  if (s.types && Object.keys(s.types).length) args.push(`types = ${structLit(s.types)}`);
  if (s.ignoreErrors && !s.rejects) args.push("ignore_errors = true");
  if (s.rejects) {
    args.push(
      "store_rejects = true",
      `rejects_table = ${lit(s.rejects.table)}`,
      `rejects_scan = ${lit(s.rejects.scan)}`,
      `rejects_limit = ${s.rejects.limit}`,
    );
  }
  return `read_csv(${args.join(", ")})`;
}

export interface Projection {
  /** SELECT … FROM the source, with renames, casts and the append target's column order. */
  sql: string;
  /** The columns that SELECT produces. */
  columns: Col[];
}

/**
 * The SELECT that turns source columns into the version's columns: renames
 * and type overrides from the options, and for an append the base version's
 * exact columns (same names, same types, same order).
 */
export function buildProjection(spec: ReadSpec, source: Col[], target?: Col[]): Projection {
  const byName = new Map(spec.options.columns.map((c) => [c.name, c]));
  const mapped = source.map((c) => {
    const o = byName.get(c.name);
    return { from: c.name, name: o?.rename ?? c.name, type: o?.type ?? c.type };
  });
  const dup = mapped.find((m, i) => mapped.findIndex((x) => x.name.toLowerCase() === m.name.toLowerCase()) !== i);
  if (dup) throw new Error(`Two columns would be named "${dup.name}"; rename one of them.`);
  const out = target ? alignTo(mapped, target) : mapped;
  // CSV parses straight into the wanted type (types = …); other formats cast here.
  const castHere = spec.format !== "csv";
  const exprs = out.map((m) => {
    const src = source.find((c) => c.name === m.from)!;
    const cast = castHere && m.type !== src.type;
    const fn = spec.options.badRows === "skip" ? "TRY_CAST" : "CAST";
    const from = src.path ? fieldExpression(src.path) : ident(m.from);
    const e = cast ? `${fn}(${from} AS ${m.type})` : from;
    return m.from === m.name && !cast && !src.path ? e : `${e} AS ${ident(m.name)}`;
  });
  // No filter: a record whose values are all NULL is a row like any other.
  return {
    sql: `SELECT ${exprs.join(", ")} FROM ${readExpression(spec)}`,
    columns: out.map((m) => ({ name: m.name, type: m.type })),
  };
}

/** Types CSV must parse each source column into (overrides, or the append target's). */
export function csvTypes(options: IngestOptions, source: Col[], target?: Col[]): Record<string, string> {
  const types: Record<string, string> = {};
  for (const c of options.columns) if (c.type) types[c.name] = c.type;
  if (target) {
    for (const c of source) {
      const name = options.columns.find((o) => o.name === c.name)?.rename ?? c.name;
      const t = target.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (t) types[c.name] = t.type;
    }
  }
  return types;
}

function alignTo(mapped: { from: string; name: string; type: string }[], target: Col[]) {
  const missing = target.filter((t) => !mapped.some((m) => m.name.toLowerCase() === t.name.toLowerCase()));
  const extra = mapped.filter((m) => !target.some((t) => t.name.toLowerCase() === m.name.toLowerCase()));
  if (missing.length || extra.length) {
    const parts = [];
    if (missing.length) parts.push(`missing ${missing.map((c) => `"${c.name}"`).join(", ")}`);
    if (extra.length) parts.push(`not in the dataset: ${extra.map((c) => `"${c.from}"`).join(", ")}`);
    throw new Error(`The appended file's columns do not match the dataset's (${parts.join("; ")}).`);
  }
  return target.map((t) => {
    const m = mapped.find((x) => x.name.toLowerCase() === t.name.toLowerCase())!;
    return { from: m.from, name: t.name, type: t.type };
  });
}
