import fs from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  evolveColumns,
  pointer,
  readerTypedSql,
  segmentObjectsSql,
  segmentRecordsSql,
  segmentValuesSql,
  splitSegments,
  structureOfKinds,
  typedRecordsSql,
  type SegmentFile,
  type StreamColumn,
} from "@scrollintel/core/stream/stream-sql";
import { eventTimeOrderSql } from "@scrollintel/core/stream/event-time";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { closeDuck, lit, openDuck } from "./open-duck";

/** Reject examples kept per compaction (every reject is counted). */
const MAX_REJECT_EXAMPLES = 1000;

export interface FoldedSegments {
  rows: bigint;
  columns: StreamColumn[];
  rejectsBySegment: Map<string, number>;
  rejectExamples: Array<{ segmentId: string; record: number; reason: string; raw: string | null }>;
}

/** A segment to fold, with the records the web counted into it. */
export type FoldSegment = SegmentFile & { records: number };

/**
 * Segments → one zstd Parquet file at `partPath`: keys seen for the first time
 * become nullable columns (types from the values), records that do not fit
 * become rejects with their place in the batch and the reason.
 */
export async function foldSegments(input: {
  segments: FoldSegment[];
  columns: StreamColumn[];
  partPath: string;
  workDir: string;
  threads: number;
  /** Sort the part's rows by this column (the dataset's event time), else batch order. */
  eventTime?: string | null;
}): Promise<FoldedSegments> {
  const duck = await openDuck({ memoryLimit: "1GB", threads: input.threads, tempDir: `${input.workDir}/spill` });
  const { conn } = duck;
  try {
    const records = segmentRecordsSql(input.segments);
    const segmentIds = input.segments.map((s) => s.id);
    const columns = await foldColumns(conn, {
      objects: segmentObjectsSql(input.segments),
      records,
      segmentIds,
      known: input.columns,
    });
    const badLines = await findBadLines(conn, records, columns.hasBadLines);
    // Rows of `from` that fit into the part (in event-time order when the dataset has one): how many were written.
    const copy = async (from: string) => {
      const names = columns.list.map((c) => c.name);
      const r = await conn.runAndReadAll(
        `COPY (SELECT ${names.map(quoteIdent).join(", ")} FROM (${from}) WHERE reason IS NULL${eventTimeOrderSql(input.eventTime ?? null, names)})
           TO ${lit(input.partPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
      );
      return BigInt(String(r.getRows()[0]?.[0] ?? 0));
    };
    if (!badLines) {
      const rows = await copyWithoutNumbers(input, columns.list, copy);
      if (rows !== null) return { rows, columns: columns.list, rejectsBySegment: new Map(), rejectExamples: [] };
    }
    await conn.run(`CREATE TEMP TABLE typed AS ${typedSql(input.segments, columns.list, badLines)}`);
    if (columns.list.length) await copy("SELECT * FROM typed");
    const counts = await conn.runAndReadAll(
      `SELECT seg, count(*) FILTER (WHERE reason IS NOT NULL)::INTEGER AS bad, count(*) FILTER (WHERE reason IS NULL)::BIGINT AS good
         FROM typed GROUP BY seg`,
    );
    const rejectsBySegment = new Map<string, number>();
    let rows = 0n;
    for (const r of counts.getRowObjectsJson()) {
      rejectsBySegment.set(String(r.seg), Number(r.bad));
      rows += BigInt(String(r.good));
    }
    if (!columns.list.length) rows = 0n;
    const rejectExamples = [...rejectsBySegment.values()].some((n) => n > 0)
      ? await findRejectExamples(conn, records)
      : [];
    return { rows, columns: columns.list, rejectsBySegment, rejectExamples };
  } finally {
    closeDuck(duck);
  }
}

/**
 * The batch's columns: the known ones, then keys seen for the first time (a
 * full structure pass only when there are any). One pass over the records also
 * tells whether any line is not a JSON object (a NULL key).
 */
async function foldColumns(
  conn: DuckDBConnection,
  input: { objects: string; records: string; segmentIds: string[]; known: StreamColumn[] },
) {
  const { objects, records, segmentIds, known } = input;
  const keys = await conn.runAndReadAll(
    `SELECT DISTINCT unnest(CASE WHEN ${notObject("j")} THEN [NULL::VARCHAR] ELSE json_keys(j) END) AS k FROM (${objects})`,
  );
  const found = keys.getRowObjectsJson().map((r) => r.k);
  const have = new Set(known.map((c) => c.name));
  let list = known;
  const added = found.filter((k): k is string => k !== null && !have.has(String(k))).map(String);
  if (added.length) {
    const ordered = await orderByFirstSeen(conn, records, segmentIds, added);
    list = evolveColumns(known, await findKeyStructures(conn, objects, ordered));
  }
  return { list, hasBadLines: found.some((k) => k === null) };
}

/** New keys in the order the batch first has them (records in order, keys in object order). */
async function orderByFirstSeen(conn: DuckDBConnection, records: string, segmentIds: string[], keys: string[]) {
  const r = await conn.runAndReadAll(
    `SELECT k FROM (SELECT seg, rec, unnest(json_keys(j)) AS k, generate_subscripts(json_keys(j), 1) AS ki
                      FROM (${records}) WHERE NOT ${notObject("j")})
      WHERE k IN (${keys.map(lit).join(", ")})
      GROUP BY k ORDER BY min([list_position([${segmentIds.map(lit).join(", ")}], seg), rec, ki])`,
  );
  return r.getRowObjectsJson().map((row) => String(row.k));
}

/**
 * The kinds of values each new key holds, as json_group_structure names them
 * ("UBIGINT", "DOUBLE", …; "JSON" for a mix or a nested value): one row per
 * combination of kinds, so memory does not grow with the batch.
 */
async function findKeyStructures(conn: DuckDBConnection, objects: string, keys: string[]) {
  const ptrs = keys.map(pointer);
  // Distinct combinations of kinds are few whatever the number of records.
  const r = await conn.runAndReadAll(
    `SELECT DISTINCT json_type(j, [${ptrs.join(", ")}]) AS ts FROM (${objects}) WHERE NOT ${notObject("j")}`,
  );
  const kinds = keys.map(() => new Set<string>());
  for (const row of r.getRowObjectsJson()) {
    (row.ts as (string | null)[]).forEach((t, i) => {
      if (t !== null && t !== "NULL") kinds[i]!.add(t);
    });
  }
  return Object.fromEntries(keys.map((k, i) => [k, structureOfKinds(kinds[i]!)]));
}

/** Invalid JSON (the reader gives NULL) or a value that is not an object; valid JSON opening with `{` is one. */
function notObject(j: string): string {
  return `(${j} IS NULL OR NOT prefix(ltrim(${j}::VARCHAR), '{'))`;
}

/** A temp table `bad` of the records that are not JSON objects, with the reason (only when there are any). */
async function findBadLines(conn: DuckDBConnection, records: string, any: boolean): Promise<boolean> {
  if (!any) return false;
  await conn.run(
    `CREATE TEMP TABLE bad AS
       SELECT seg, rec, CASE WHEN j IS NULL THEN 'not valid JSON' ELSE 'not a JSON object' END AS reason
         FROM (${records}) WHERE ${notObject("j")}`,
  );
  return true;
}

/**
 * The usual batch (NDJSON objects only, columns the reader can tell apart)
 * straight from one reader over all its files into the part: no record
 * numbers, no table in between. It stands when the part holds every record
 * the web counted into the segments: a value that does not fit its column has
 * a reason and is left out, and the reader skips an invalid line, so a part
 * short of the count had a reject. Then the part goes, null is returned, and
 * the numbered way names them.
 */
async function copyWithoutNumbers(
  input: { segments: FoldSegment[]; partPath: string },
  columns: StreamColumn[],
  copy: (from: string) => Promise<bigint>,
): Promise<bigint | null> {
  const { fast, exact } = splitSegments(input.segments, columns);
  if (!fast.length || exact.length) return null;
  const counted = input.segments.reduce((n, s) => n + BigInt(s.records), 0n);
  const rows = await copy(readerTypedSql(segmentValuesSql(fast, columns, { numbered: false }), columns));
  if (rows === counted) return rows;
  fs.rmSync(input.partPath, { force: true });
  return null;
}

/** (seg, rec, typed columns, reason) for every record: NDJSON through the reader, the rest the exact way. */
function typedSql(segments: SegmentFile[], columns: StreamColumn[], badLines: boolean): string {
  const names = columns.map((c) => quoteIdent(c.name));
  const cols = ["seg", "rec", ...names].join(", ");
  const { fast, exact } = splitSegments(segments, columns);
  const parts: string[] = [];
  if (fast.length) {
    const typed = readerTypedSql(segmentValuesSql(fast, columns), columns);
    parts.push(
      badLines
        ? `SELECT ${names.map((n) => `t.${n}`).join(", ")}${names.length ? ", " : ""}t.seg, t.rec, coalesce(b.reason, t.reason) AS reason
             FROM (${typed}) t LEFT JOIN bad b ON b.seg = t.seg AND b.rec = t.rec`
        : `SELECT ${cols}, reason FROM (${typed})`,
    );
  }
  if (exact.length || !parts.length) {
    parts.push(`SELECT ${cols}, reason FROM (${typedRecordsSql(segmentRecordsSql(exact), columns)})`);
  }
  return parts.map((p) => `SELECT ${cols}, reason FROM (${p})`).join("\nUNION ALL\n");
}

/** The first rejects in segment and record order, with their text (a pass over the records, only when there are rejects). */
async function findRejectExamples(conn: DuckDBConnection, records: string) {
  const ex = await conn.runAndReadAll(
    `SELECT t.seg, t.rec, t.reason, left(r.j::VARCHAR, 1000) AS raw
       FROM (SELECT seg, rec, reason FROM typed WHERE reason IS NOT NULL ORDER BY seg, rec LIMIT ${MAX_REJECT_EXAMPLES}) t
       JOIN (${records}) r ON r.seg = t.seg AND r.rec = t.rec
      ORDER BY t.seg, t.rec`,
  );
  return ex.getRowObjectsJson().map((r) => ({
    segmentId: String(r.seg),
    record: Number(r.rec),
    reason: String(r.reason),
    raw: r.raw === null ? null : String(r.raw),
  }));
}

/**
 * Parquet parts (later ones may have more columns) into one zstd file, columns
 * matched by name; sorted by the event-time column when the parts have it, so
 * a merge keeps the order compaction gave each part.
 */
export async function mergeParquet(input: {
  paths: string[];
  out: string;
  workDir: string;
  threads: number;
  eventTime?: string | null;
}) {
  const duck = await openDuck({ memoryLimit: "1GB", threads: input.threads, tempDir: `${input.workDir}/spill` });
  try {
    const parts = `read_parquet([${input.paths.map(lit).join(", ")}], union_by_name = true)`;
    const described = await duck.conn.runAndReadAll(`DESCRIBE SELECT * FROM ${parts}`);
    const names = described.getRowObjectsJson().map((r) => String(r.column_name));
    await duck.conn.run(
      `COPY (SELECT * FROM ${parts}${eventTimeOrderSql(input.eventTime ?? null, names)})
         TO ${lit(input.out)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
    );
  } finally {
    closeDuck(duck);
  }
}
