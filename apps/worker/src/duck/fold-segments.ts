import fs from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  readerTypedSql,
  segmentRecordsSql,
  segmentValuesSql,
  splitSegments,
  typedRecordsSql,
  type SegmentFile,
  type StreamColumn,
} from "@scrollintel/core/stream/stream-sql";
import { eventTimeOrderSql } from "@scrollintel/core/stream/event-time";
import { quoteIdent } from "@scrollintel/core/sql-check";
import { closeDuck, lit, openDuck } from "./open-duck";
import { findSegmentColumns } from "./pending-columns";

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
  // Read once per process for queries and compaction alike (a segment a query read costs no pass here).
  const { columns, notObjects } = await findSegmentColumns({
    segments: input.segments,
    known: input.columns,
    tempDir: `${input.workDir}/keys`,
    threads: input.threads,
  });
  const duck = await openDuck({ memoryLimit: "1GB", threads: input.threads, tempDir: `${input.workDir}/spill` });
  const { conn } = duck;
  try {
    const records = segmentRecordsSql(input.segments);
    const badLines = await findBadLines(conn, records, notObjects);
    // Rows of `from` that fit into the part (in event-time order when the dataset has one): how many were written.
    const copy = async (from: string) => {
      const names = columns.map((c) => c.name);
      const r = await conn.runAndReadAll(
        `COPY (SELECT ${names.map(quoteIdent).join(", ")} FROM (${from}) WHERE reason IS NULL${eventTimeOrderSql(input.eventTime ?? null, names)})
           TO ${lit(input.partPath)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
      );
      return BigInt(String(r.getRows()[0]?.[0] ?? 0));
    };
    if (!badLines) {
      const rows = await copyWithoutNumbers(input, columns, copy);
      if (rows !== null) return { rows, columns, rejectsBySegment: new Map(), rejectExamples: [] };
    }
    await conn.run(`CREATE TEMP TABLE typed AS ${typedSql(input.segments, columns, badLines)}`);
    if (columns.length) await copy("SELECT * FROM typed");
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
    if (!columns.length) rows = 0n;
    const rejectExamples = [...rejectsBySegment.values()].some((n) => n > 0)
      ? await findRejectExamples(conn, records)
      : [];
    return { rows, columns, rejectsBySegment, rejectExamples };
  } finally {
    closeDuck(duck);
  }
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
