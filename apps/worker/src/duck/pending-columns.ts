import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  evolveColumns,
  pointer,
  segmentObjectsSql,
  segmentRecordsSql,
  structureOfKinds,
  type SegmentFile,
  type StreamColumn,
} from "@scrollintel/core/stream/stream-sql";
import { closeDuck, openDuck } from "./open-duck";

/**
 * A segment's keys the version did not have when it was read, in first-seen
 * order, with the JSON kinds of their values; and whether a record of it is
 * not a JSON object (invalid JSON, or another value), which compaction rejects.
 */
interface SegmentKeys {
  keys: string[];
  kinds: Map<string, Set<string>>;
  notObjects: boolean;
}

/** Segments never change under their id, so what they hold is read once per process (bounded, oldest out first). */
const MAX_CACHED = 10_000;
const cache = new Map<string, SegmentKeys>();
let segmentsRead = 0;
/** Segments whose keys a caller is reading now, by id: the read to wait for. */
const reading = new Map<string, Promise<void>>();

/** How many segments' keys were read (not found in the cache) since start; for tests. */
export function segmentKeyReads(): number {
  return segmentsRead;
}

interface ColumnsInput {
  segments: SegmentFile[];
  known: StreamColumn[];
  tempDir: string;
  threads: number;
}

/**
 * The columns a query sees for a stream: the version's, then keys found only in
 * segments not compacted yet, typed and ordered as compaction will add them
 * (findSegmentColumns), so a query never misses a column because its records
 * are still in segments (before the first compaction, or after a new key arrived).
 */
export async function findPendingColumns(input: ColumnsInput): Promise<StreamColumn[]> {
  return (await findSegmentColumns(input)).columns;
}

/**
 * The columns of the version once `segments` are in it: the known ones, then
 * each key first seen in them (records in order, keys in object order), typed
 * by the kinds of its values; and whether a record is not a JSON object.
 * Queries and compaction both ask, and a segment's keys are read once per
 * process (segments never change under their id): a compaction of segments a
 * query has seen reads no keys.
 */
export async function findSegmentColumns(
  input: ColumnsInput,
): Promise<{ columns: StreamColumn[]; notObjects: boolean }> {
  const have = new Set(input.known.map((c) => c.name));
  const read = await readUncached(input.segments, have, input);
  const order: string[] = [];
  const kinds = new Map<string, Set<string>>();
  let notObjects = false;
  for (const s of input.segments) {
    const k = read.get(s.id) ?? cache.get(s.id);
    if (!k) continue;
    notObjects ||= k.notObjects;
    for (const key of k.keys) {
      if (have.has(key)) continue;
      if (!kinds.has(key)) {
        order.push(key);
        kinds.set(key, new Set());
      }
      for (const t of k.kinds.get(key) ?? []) kinds.get(key)!.add(t);
    }
  }
  if (!order.length) return { columns: input.known, notObjects };
  const added = Object.fromEntries(order.map((k) => [k, structureOfKinds(kinds.get(k)!)]));
  return { columns: evolveColumns(input.known, added), notObjects };
}

/**
 * The keys of every segment not cached yet, read here, except that a segment
 * another caller is reading already (a compaction's read-ahead, another query)
 * is waited for, not read twice; if that read failed, it is read here, so its
 * error is this caller's too.
 */
async function readUncached(
  segments: SegmentFile[],
  have: Set<string>,
  opts: ColumnsInput,
): Promise<Map<string, SegmentKeys>> {
  const uncached = segments.filter((s) => !cache.has(s.id));
  const theirs = uncached.filter((s) => reading.has(s.id));
  const mine = uncached.filter((s) => !reading.has(s.id));
  const own = mine.length ? readTracked(mine, have, opts) : Promise.resolve(new Map<string, SegmentKeys>());
  own.catch(() => undefined);
  await Promise.allSettled(new Set(theirs.map((s) => reading.get(s.id)!)));
  const left = theirs.filter((s) => !cache.has(s.id));
  const found = await own;
  if (left.length) for (const [id, k] of await readTracked(left, have, opts)) found.set(id, k);
  return found;
}

/** readSegmentKeys, known to other callers while it runs. */
async function readTracked(
  segments: SegmentFile[],
  have: Set<string>,
  opts: ColumnsInput,
): Promise<Map<string, SegmentKeys>> {
  segmentsRead += segments.length;
  const read = readSegmentKeys(segments, have, opts);
  const done = read.then(
    () => undefined,
    () => undefined,
  );
  for (const s of segments) reading.set(s.id, done);
  try {
    return await read;
  } finally {
    for (const s of segments) if (reading.get(s.id) === done) reading.delete(s.id);
  }
}

/**
 * Per segment, each key not in `known`, where it first appears, and its kinds
 * of values. The usual segment has no new key: one pass over the distinct key
 * lists (few, whatever the number of records) says so; only segments with new
 * keys get the pass over every value of those keys.
 */
async function readSegmentKeys(
  segments: SegmentFile[],
  known: Set<string>,
  opts: { tempDir: string; threads: number },
): Promise<Map<string, SegmentKeys>> {
  // Its own spill directory: two queries may read keys at once.
  const tempDir = path.join(opts.tempDir, randomUUID());
  const duck = await openDuck({ memoryLimit: "256MB", threads: opts.threads, tempDir });
  try {
    const isObject = `j IS NOT NULL AND prefix(ltrim(j::VARCHAR), '{')`;
    const objects = (of: SegmentFile[]) => `SELECT * FROM (${segmentRecordsSql(of)}) WHERE ${isObject}`;
    // One reader over every file, by file name: numbering records per segment here cost seconds a query.
    const idOf = new Map(segments.map((s) => [s.path, s.id]));
    // A record that is not an object gives a NULL list.
    const lists = await duck.conn.runAndReadAll(
      `SELECT DISTINCT file, CASE WHEN ${isObject} THEN json_keys(j) END AS ks FROM (${segmentObjectsSql(segments, { file: true })})`,
    );
    const fresh = new Map<string, Set<string>>(segments.map((s) => [s.id, new Set()]));
    const notObjects = new Set<string>();
    for (const row of lists.getRowObjectsJson()) {
      const id = idOf.get(String(row.file));
      if (id === undefined) throw new Error(`the reader named a file it was not given: ${String(row.file)}`);
      if (row.ks === null) notObjects.add(id);
      else for (const k of row.ks as string[]) if (!known.has(k)) fresh.get(id)!.add(k);
    }
    const found = new Map<string, SegmentKeys>(
      segments.map((s) => [s.id, { keys: [], kinds: new Map(), notObjects: notObjects.has(s.id) }]),
    );
    const withNew = segments.filter((s) => fresh.get(s.id)!.size);
    const added = [...new Set(withNew.flatMap((s) => [...fresh.get(s.id)!]))];
    if (withNew.length) {
      // Per segment, its distinct key lists by their first record: walked in that order, each new key's first list
      // is its first record's (records in order, keys in object order). Then every new key's kinds, one parse a
      // record for all of them: a json_type per record and key measured seconds on a first batch.
      const firsts = await duck.conn.runAndReadAll(
        `SELECT seg, json_keys(j) AS ks, min(rec) AS first FROM (${objects(withNew)}) GROUP BY seg, ks ORDER BY seg, first`,
      );
      for (const row of firsts.getRowObjectsJson()) {
        const id = String(row.seg);
        const s = found.get(id)!;
        for (const k of row.ks as string[]) {
          if (fresh.get(id)!.has(k) && !s.kinds.has(k)) {
            s.keys.push(k);
            s.kinds.set(k, new Set());
          }
        }
      }
      const ptrs = added.map(pointer);
      const types = await duck.conn.runAndReadAll(
        `SELECT DISTINCT seg, json_type(j, [${ptrs.join(", ")}]) AS ts FROM (${objects(withNew)})`,
      );
      for (const row of types.getRowObjectsJson()) {
        const kinds = found.get(String(row.seg))!.kinds;
        (row.ts as (string | null)[]).forEach((t, i) => {
          if (t !== null && t !== "NULL") kinds.get(added[i]!)?.add(t);
        });
      }
    }
    for (const [id, keys] of found) remember(id, keys);
    return found;
  } finally {
    closeDuck(duck);
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Forgets every segment's keys (benchmarks measure the pass itself). */
export function forgetSegmentKeys(): void {
  cache.clear();
}

function remember(id: string, keys: SegmentKeys): void {
  cache.set(id, keys);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
}
