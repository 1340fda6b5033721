import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {
  evolveColumns,
  segmentRecordsSql,
  structureOfKinds,
  type SegmentFile,
  type StreamColumn,
} from "@scrollintel/core/stream/stream-sql";
import { closeDuck, lit, openDuck } from "./open-duck";

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
    const objects = (of: SegmentFile[]) =>
      `SELECT * FROM (${segmentRecordsSql(of)}) WHERE j IS NOT NULL AND prefix(ltrim(j::VARCHAR), '{')`;
    const lists = await duck.conn.runAndReadAll(`SELECT DISTINCT seg, json_keys(j) AS ks FROM (${objects(segments)})`);
    const fresh = new Map<string, Set<string>>(segments.map((s) => [s.id, new Set()]));
    for (const row of lists.getRowObjectsJson()) {
      for (const k of row.ks as string[]) if (!known.has(k)) fresh.get(String(row.seg))!.add(k);
    }
    const found = new Map<string, SegmentKeys>(segments.map((s) => [s.id, { keys: [], kinds: new Map() }]));
    const withNew = segments.filter((s) => fresh.get(s.id)!.size);
    const added = [...new Set(withNew.flatMap((s) => [...fresh.get(s.id)!]))];
    if (withNew.length) {
      const r = await duck.conn.runAndReadAll(
        `SELECT seg, k, min([rec, ki]) AS first,
                list(DISTINCT json_type(j, '/' || replace(replace(k, '~', '~0'), '/', '~1'))) AS kinds
           FROM (SELECT seg, rec, j, unnest(json_keys(j)) AS k, generate_subscripts(json_keys(j), 1) AS ki
                   FROM (${objects(withNew)}))
          WHERE k IN (${added.map(lit).join(", ")})
          GROUP BY seg, k ORDER BY seg, first`,
      );
      for (const row of r.getRowObjectsJson()) {
        const kinds = (row.kinds as (string | null)[]).filter((t): t is string => t !== null && t !== "NULL");
        const s = found.get(String(row.seg))!;
        s.keys.push(String(row.k));
        s.kinds.set(String(row.k), new Set(kinds));
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
