import { quoteIdent } from "../sql-check";

/**
 * The SQL that turns stream segments into typed rows, shared by compaction
 * (which writes Parquet parts and rejects) and the query sandbox (which reads
 * segments not yet compacted the same way, so a record looks the same before
 * and after). Column types are strict: a value that does not fit its column
 * makes the record a reject with the reason, never a NULL or a coerced value.
 */
export const STREAM_TYPES = ["BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR", "JSON"] as const;
export type StreamColumnType = (typeof STREAM_TYPES)[number];
export interface StreamColumn {
  name: string;
  type: StreamColumnType;
}

export interface SegmentFile {
  id: string;
  path: string;
  format: string;
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A JSON pointer to a top-level key (RFC 6901 escapes), as a SQL string. */
export function pointer(name: string): string {
  return lit(`/${name.replaceAll("~", "~0").replaceAll("/", "~1")}`);
}

/** Every record of the segments as (seg, rec, j): rec is its 1-based place in its batch; j is NULL for invalid JSON. */
export function segmentRecordsSql(segments: SegmentFile[]): string {
  if (!segments.length) return "SELECT NULL::VARCHAR AS seg, NULL::INTEGER AS rec, NULL::JSON AS j WHERE false";
  return segments
    .map(
      (s) => `SELECT ${lit(s.id)} AS seg, ordinality::INTEGER AS rec, json AS j
                FROM read_json_objects(${lit(s.path)}, format = '${readerFormat(s)}', ignore_errors = true) WITH ORDINALITY`,
    )
    .join("\nUNION ALL\n");
}

const readerFormat = (s: SegmentFile) => (s.format === "array" ? "array" : "newline_delimited");

/**
 * Every record of the segments as (j), NULL for invalid JSON: one reader a format over all the files, no numbers.
 * With `file`, each record also has the path of its segment's file as `file`.
 */
export function segmentObjectsSql(segments: SegmentFile[], opts = { file: false }): string {
  const byFormat = new Map<string, string[]>();
  for (const s of segments) byFormat.set(readerFormat(s), [...(byFormat.get(readerFormat(s)) ?? []), s.path]);
  const file = opts.file ? ", filename AS file" : "";
  if (!byFormat.size) return `SELECT NULL::JSON AS j${opts.file ? ", NULL::VARCHAR AS file" : ""} WHERE false`;
  return [...byFormat]
    .map(
      ([fmt, paths]) =>
        `SELECT json AS j${file} FROM read_json_objects([${paths.map(lit).join(", ")}], format = '${fmt}', ignore_errors = true${opts.file ? ", filename = true" : ""})`,
    )
    .join("\nUNION ALL\n");
}

const JSON_INTEGER = `('BIGINT', 'UBIGINT')`;

function typedValue(v: string, ptr: string, type: StreamColumnType): string {
  switch (type) {
    case "BIGINT":
      return `CASE WHEN json_type(${v}) IN ${JSON_INTEGER} THEN TRY_CAST(${v} AS BIGINT) END`;
    case "DOUBLE":
      return `CASE WHEN json_type(${v}) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN TRY_CAST(${v} AS DOUBLE) END`;
    case "BOOLEAN":
      return `CASE WHEN json_type(${v}) = 'BOOLEAN' THEN TRY_CAST(${v} AS BOOLEAN) END`;
    case "VARCHAR":
      return `CASE WHEN json_type(${v}) = 'VARCHAR' THEN json_extract_string(j, ${ptr}) END`;
    case "JSON":
      return `CASE WHEN json_type(${v}) <> 'NULL' THEN ${v} END`;
  }
}

/**
 * (seg, rec, the typed columns, reason) for the records of `source`: reason is
 * NULL for a record that fits, else what is wrong with it (the first column
 * that does not fit). Each record's JSON is parsed once for all columns.
 */
export function typedRecordsSql(source: string, columns: StreamColumn[]): string {
  const ptrs = columns.map((c) => pointer(c.name));
  const vals = columns.map((_, i) => `v[${i + 1}]`);
  const typed = columns.map((c, i) => `${typedValue(vals[i]!, ptrs[i]!, c.type)} AS ${quoteIdent(`__t${i}`)}`);
  const checks = columns.map((c, i) => {
    const reason = `'column ' || ${lit(JSON.stringify(c.name))} || ': ' || left(${vals[i]}::VARCHAR, 80) || ' is not ${c.type}'`;
    return `WHEN ${vals[i]} IS NOT NULL AND json_type(${vals[i]}) <> 'NULL' AND ${quoteIdent(`__t${i}`)} IS NULL THEN ${reason}`;
  });
  const list = columns.length ? `json_extract(j, [${ptrs.join(", ")}])` : "[]::JSON[]";
  const out = columns.map((c, i) => `${quoteIdent(`__t${i}`)} AS ${quoteIdent(c.name)}`);
  return `SELECT seg, rec, ${[...out, ""].join(", ")}
            CASE WHEN j IS NULL THEN 'not valid JSON'
                 WHEN json_type(j) <> 'OBJECT' THEN 'not a JSON object'
                 ${checks.join("\n                 ")}
            END AS reason
       FROM (SELECT seg, rec, j, v${typed.length ? ", " + typed.join(", ") : ""}
               FROM (SELECT seg, rec, j, CASE WHEN json_type(j) = 'OBJECT' THEN ${list} END AS v FROM (${source})))`;
}

/** The rows of a dataset a query sees from segments not yet compacted: the records that fit. */
export function pendingRowsSql(segments: SegmentFile[], columns: StreamColumn[]): string {
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  const { fast, exact } = splitSegments(segments, columns);
  const selects: string[] = [];
  if (fast.length) {
    // The reader gives a line that is not a JSON object as a row of NULLs, like `{}`: such rows wait for compaction.
    const typed = readerTypedSql(segmentValuesSql(fast, columns, { numbered: false }), columns);
    selects.push(`SELECT ${names} FROM (${typed}) WHERE reason IS NULL AND NOT __blank`);
  }
  if (exact.length || !selects.length) {
    selects.push(`SELECT ${names} FROM (${typedRecordsSql(segmentRecordsSql(exact), columns)}) WHERE reason IS NULL`);
  }
  return selects.join("\nUNION ALL\n");
}

/**
 * NDJSON segments go through DuckDB's JSON reader (one parse a record, values
 * checked by their JSON text); arrays, and column names only case tells apart
 * (DuckDB's names are case-insensitive), take the exact path of one JSON value a record.
 */
export function splitSegments(
  segments: SegmentFile[],
  columns: StreamColumn[],
): { fast: SegmentFile[]; exact: SegmentFile[] } {
  const lower = new Set(columns.map((c) => c.name.toLowerCase()));
  const readable = columns.length > 0 && lower.size === columns.length;
  return {
    fast: readable ? segments.filter((s) => s.format !== "array") : [],
    exact: readable ? segments.filter((s) => s.format === "array") : segments,
  };
}

/**
 * (seg, rec, one JSON value per column as `__v<i>`) by DuckDB's NDJSON reader; a line that is not an object is all NULL.
 * Unnumbered (`numbered: false`), seg and rec are NULL and one reader takes every file, splitting them between its
 * threads: numbering each batch's records takes a reader per file, and measured twice the wall time and 1.4 times
 * the CPU of one reader (bench:stream-fold). Rows to store or to query need no numbers; only naming a reject does.
 */
export function segmentValuesSql(segments: SegmentFile[], columns: StreamColumn[], opts = { numbered: true }): string {
  const spec = columns.map((c) => `${lit(c.name)}: 'JSON'`).join(", ");
  const vals = columns.map((c, i) => `${quoteIdent(c.name)} AS ${quoteIdent(`__v${i}`)}`).join(", ");
  if (!opts.numbered && segments.length) {
    return `SELECT NULL::VARCHAR AS seg, NULL::INTEGER AS rec, ${vals}
              FROM read_json([${segments.map((s) => lit(s.path)).join(", ")}], format = 'newline_delimited', columns = {${spec}}, ignore_errors = true)`;
  }
  return segments
    .map(
      (s) => `SELECT ${lit(s.id)} AS seg, ordinality::INTEGER AS rec, ${vals}
                FROM read_json(${lit(s.path)}, format = 'newline_delimited', columns = {${spec}}, ignore_errors = true) WITH ORDINALITY`,
    )
    .join("\nUNION ALL\n");
}

/** A column's value from its JSON text `s` (minified by the reader): the same strict rules as typedValue. */
function typedFromText(x: string, type: StreamColumnType): string {
  const s = `${x}::VARCHAR`;
  switch (type) {
    case "BIGINT":
      // JSON integers only: TRY_CAST alone would round 1.5 and read 1e3.
      return `CASE WHEN NOT (contains(${s}, '.') OR contains(${s}, 'e') OR contains(${s}, 'E')) THEN TRY_CAST(${s} AS BIGINT) END`;
    case "DOUBLE":
      return `CASE WHEN NOT prefix(${s}, '"') THEN TRY_CAST(${s} AS DOUBLE) END`;
    case "BOOLEAN":
      return `CASE ${s} WHEN 'true' THEN true WHEN 'false' THEN false END`;
    case "VARCHAR":
      // Without a backslash the text between the quotes is the string itself.
      return `CASE WHEN prefix(${s}, '"') THEN CASE WHEN contains(${s}, '\\') THEN json_extract_string(${x}, '$') ELSE (${s})[2:-2] END END`;
    case "JSON":
      return `CASE WHEN ${s} <> 'null' THEN ${x} END`;
  }
}

/** (seg, rec, typed columns, reason) from segmentValuesSql: reason names the first value that does not fit. */
export function readerTypedSql(source: string, columns: StreamColumn[]): string {
  const v = (i: number) => quoteIdent(`__v${i}`);
  const t = (i: number) => quoteIdent(`__t${i}`);
  const typed = columns.map((c, i) => `${typedFromText(v(i), c.type)} AS ${t(i)}`);
  const checks = columns.map((c, i) => {
    const reason = `'column ' || ${lit(JSON.stringify(c.name))} || ': ' || left(${v(i)}::VARCHAR, 80) || ' is not ${c.type}'`;
    return `WHEN ${v(i)} IS NOT NULL AND ${v(i)}::VARCHAR <> 'null' AND ${t(i)} IS NULL THEN ${reason}`;
  });
  const out = columns.map((c, i) => `${t(i)} AS ${quoteIdent(c.name)}`);
  const blank = columns.map((_, i) => `${v(i)} IS NULL`).join(" AND ");
  return `SELECT seg, rec, ${out.join(", ")}, CASE ${checks.join("\n ")} END AS reason, ${blank} AS __blank
       FROM (SELECT seg, rec, ${columns.map((_, i) => v(i)).join(", ")}, ${typed.join(", ")} FROM (${source}))`;
}

/** A column type for a key first seen in a batch, from DuckDB's json_group_structure of its values. */
export function inferColumnType(structure: unknown): StreamColumnType {
  if (structure === "UBIGINT" || structure === "BIGINT") return "BIGINT";
  if (structure === "DOUBLE") return "DOUBLE";
  if (structure === "BOOLEAN") return "BOOLEAN";
  if (structure === "VARCHAR") return "VARCHAR";
  return "JSON"; // objects, arrays, mixed kinds and all-null keys keep their JSON
}

/**
 * The structure of a new key from the JSON kinds its values have (json_type
 * names; JSON nulls left out): what inferColumnType then maps to a column type.
 * Compaction and the query view of segments not compacted yet both use it.
 */
export function structureOfKinds(kinds: Iterable<string>): string {
  const all = [...kinds];
  if (!all.length) return "NULL";
  if (all.every((t) => t === "UBIGINT" || t === "BIGINT")) return "BIGINT";
  if (all.every((t) => t === "UBIGINT" || t === "BIGINT" || t === "DOUBLE")) return "DOUBLE";
  return all.length === 1 && (all[0] === "BOOLEAN" || all[0] === "VARCHAR") ? all[0] : "JSON";
}

/** Known columns first, in order, then keys seen for the first time (nullable: older rows have none). */
export function evolveColumns(known: StreamColumn[], structure: Record<string, unknown>): StreamColumn[] {
  const have = new Set(known.map((c) => c.name));
  const added = Object.entries(structure)
    .filter(([k]) => !have.has(k))
    .map(([name, s]) => ({ name, type: inferColumnType(s) }));
  return [...known, ...added];
}
