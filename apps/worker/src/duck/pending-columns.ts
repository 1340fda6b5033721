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

/** A segment's keys the version did not have when it was read, in first-seen order, with the JSON kinds of their values. */
interface SegmentKeys {
  keys: string[];
  kinds: Map<string, Set<string>>;
}

/** Segments never change under their id, so what they hold is read once per process (bounded, oldest out first). */
const MAX_CACHED = 10_000;
const cache = new Map<string, SegmentKeys>();

/**
 * The columns a query sees for a stream: the version's, then keys found only in
 * segments not compacted yet, typed and ordered by the rules compaction uses
 * (fold-segments), so a query never misses a column because its records are
 * still in segments (before the first compaction, or after a new key arrived).
 */
export async function findPendingColumns(input: {
  segments: SegmentFile[];
  known: StreamColumn[];
  tempDir: string;
  threads: number;
}): Promise<StreamColumn[]> {
  const have = new Set(input.known.map((c) => c.name));
  const missing = input.segments.filter((s) => !cache.has(s.id));
  if (missing.length) await readSegmentKeys(missing, have, input);
  const order: string[] = [];
  const kinds = new Map<string, Set<string>>();
  for (const s of input.segments) {
    const k = cache.get(s.id);
    if (!k) continue;
    for (const key of k.keys) {
      if (have.has(key)) continue;
      if (!kinds.has(key)) {
        order.push(key);
        kinds.set(key, new Set());
      }
      for (const t of k.kinds.get(key) ?? []) kinds.get(key)!.add(t);
    }
  }
  if (!order.length) return input.known;
  return evolveColumns(input.known, Object.fromEntries(order.map((k) => [k, structureOfKinds(kinds.get(k)!)])));
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
): Promise<void> {
  // Its own spill directory: two queries may read keys at once.
  const tempDir = path.join(opts.tempDir, randomUUID());
  const duck = await openDuck({ memoryLimit: "256MB", threads: opts.threads, tempDir });
  try {
    const isObject = `j IS NOT NULL AND prefix(ltrim(j::VARCHAR), '{')`;
    const objects = (of: SegmentFile[]) => `SELECT * FROM (${segmentRecordsSql(of)}) WHERE ${isObject}`;
    // One reader over every file, by file name: numbering records per segment here cost seconds a query.
    const idOf = new Map(segments.map((s) => [s.path, s.id]));
    const lists = await duck.conn.runAndReadAll(
      `SELECT DISTINCT file, json_keys(j) AS ks FROM (${segmentObjectsSql(segments, { file: true })}) WHERE ${isObject}`,
    );
    const fresh = new Map<string, Set<string>>(segments.map((s) => [s.id, new Set()]));
    for (const row of lists.getRowObjectsJson()) {
      const id = idOf.get(String(row.file));
      if (id === undefined) throw new Error(`the reader named a file it was not given: ${String(row.file)}`);
      for (const k of row.ks as string[]) if (!known.has(k)) fresh.get(id)!.add(k);
    }
    const found = new Map<string, SegmentKeys>(segments.map((s) => [s.id, { keys: [], kinds: new Map() }]));
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
  } finally {
    closeDuck(duck);
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function remember(id: string, keys: SegmentKeys): void {
  cache.set(id, keys);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
}
