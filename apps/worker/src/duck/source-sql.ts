import type { IngestOptions } from "@scrollintel/core/ingest-options";
import type { Compression, SourceFormat } from "./detect-format";
import { lit } from "./open-duck";

export interface Col {
  name: string;
  type: string;
}

export interface ReadSpec {
  file: string;
  format: SourceFormat;
  compression: Compression;
  options: IngestOptions;
  /** Types forced per source column (CSV parses straight into them, so bad values become rejects). */
  types?: Record<string, string>;
  /** Where DuckDB keeps skipped CSV rows, when the policy is "skip". */
  rejects?: { table: string; scan: string; limit: number };
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

/** The DuckDB table function that reads the source as the options say. */
export function readExpression(s: ReadSpec): string {
  // read_json spells "none" as "uncompressed".
  const comp = `compression = ${lit(s.compression === "none" ? "uncompressed" : s.compression)}`;
  if (s.format === "parquet") return `read_parquet(${lit(s.file)})`;
  if (s.format === "json" || s.format === "ndjson") {
    const fmt = s.format === "json" ? "array" : "newline_delimited";
    const skip = s.options.badRows === "skip" ? ", ignore_errors = true" : "";
    return `read_json(${lit(s.file)}, format = ${lit(fmt)}, ${comp}${skip})`;
  }
  const args = [lit(s.file), comp];
  if (s.options.delimiter) args.push(`delim = ${lit(s.options.delimiter === "\\t" ? "\t" : s.options.delimiter)}`);
  if (s.options.header !== undefined) args.push(`header = ${s.options.header}`);
  if (s.types && Object.keys(s.types).length) args.push(`types = ${structLit(s.types)}`);
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
    const e = cast ? `${fn}(${ident(m.from)} AS ${m.type})` : ident(m.from);
    return m.from === m.name && !cast ? e : `${e} AS ${ident(m.name)}`;
  });
  // read_json's ignore_errors turns a malformed record into a row of NULLs: leave those out.
  const json = spec.format === "json" || spec.format === "ndjson";
  const where =
    json && spec.options.badRows === "skip" && source.length
      ? ` WHERE NOT (${source.map((c) => `${ident(c.name)} IS NULL`).join(" AND ")})`
      : "";
  return {
    sql: `SELECT ${exprs.join(", ")} FROM ${readExpression(spec)}${where}`,
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
