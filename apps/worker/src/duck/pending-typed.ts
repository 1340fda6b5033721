import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { quoteIdent } from "@scrollintel/core/sql-check";
import {
  pendingRowsSql,
  readerTypedSql,
  segmentValuesSql,
  splitSegments,
  type SegmentFile,
  type StreamColumn,
} from "@scrollintel/core/stream/stream-sql";
import { closeDuck, lit, openDuck } from "./open-duck";

/**
 * A converted file younger than this may still be open in a query that listed
 * it (as compacted segments' objects are kept SEGMENT_GRACE_MS): only older
 * ones are removed once none of their segments is pending.
 */
const FILE_GRACE_MS = 5 * 60_000;
/** Converted segments remembered per process, oldest out first. */
const MAX_REMEMBERED = 20_000;
/** Names the typed copies use besides the dataset's columns. */
const OWN_NAMES = new Set(["__seg", "seg", "rec", "reason", "__blank", "filename"]);

/** `${segment id}:${column set}` → the typed Parquet file holding that segment's records. */
const typedFiles = new Map<string, string>();

/**
 * The records of pending segments a query sees, read from typed Parquet
 * copies instead of their JSON: each segment is parsed once per worker
 * process and column set (the version's columns and the pending keys; a new
 * key or type makes new copies), so a query parses only what arrived since
 * the last one, and the watcher of a stream stops re-reading everything
 * compaction has not folded yet. A copy holds every record of its segments
 * with its typed values, its reject reason and whether the reader saw no
 * known key in it, so it answers exactly what pendingRowsSql does. Null when
 * the copies cannot name their own columns apart from the dataset's: the
 * caller reads the segments as they are.
 */
export async function typedPendingRows(input: {
  segments: SegmentFile[];
  columns: StreamColumn[];
  /** This dataset's directory of copies (under the worker's scratch). */
  dir: string;
  threads: number;
}): Promise<{ sql: string; files: string[] } | null> {
  const { segments, columns } = input;
  const { fast, exact } = splitSegments(segments, columns);
  if (!fast.length || columns.some((c) => OWN_NAMES.has(c.name.toLowerCase()))) return null;
  const spec = specOf(columns);
  const missing = fast.filter((s) => !fileOf(s.id, spec));
  if (missing.length) await convert(missing, columns, spec, input);
  const files = [...new Set(fast.map((s) => fileOf(s.id, spec)!))];
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  const selects = [
    `SELECT ${names} FROM read_parquet([${files.map(lit).join(", ")}])
      WHERE __seg IN (${fast.map((s) => lit(s.id)).join(", ")}) AND reason IS NULL AND NOT __blank`,
  ];
  if (exact.length) selects.push(pendingRowsSql(exact, columns));
  sweep(input.dir, new Set(files));
  return { sql: selects.join("\nUNION ALL\n"), files };
}

/**
 * The copies holding `segments` under exactly `columns`, when every one of
 * them has one (compaction then folds Parquet instead of parsing the JSON a
 * query already parsed); null otherwise.
 */
export function typedCopiesOf(segments: SegmentFile[], columns: StreamColumn[]): string[] | null {
  const { fast, exact } = splitSegments(segments, columns);
  if (!fast.length || exact.length) return null;
  const spec = specOf(columns);
  const files = fast.map((s) => fileOf(s.id, spec));
  return files.every((f) => f !== undefined) ? [...new Set(files as string[])] : null;
}

function specOf(columns: StreamColumn[]): string {
  return createHash("sha256")
    .update(JSON.stringify(columns.map((c) => [c.name, c.type])))
    .digest("hex")
    .slice(0, 16);
}

function fileOf(segmentId: string, spec: string): string | undefined {
  const f = typedFiles.get(`${segmentId}:${spec}`);
  return f && fs.existsSync(f) ? f : undefined;
}

/** One reader over the segments' files into one Parquet file, each record tagged with its segment. */
async function convert(
  segments: SegmentFile[],
  columns: StreamColumn[],
  spec: string,
  opts: { dir: string; threads: number },
): Promise<void> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const file = path.join(opts.dir, `${spec}-${randomUUID()}.parquet`);
  const tempDir = path.join(opts.dir, `spill-${randomUUID()}`);
  const duck = await openDuck({ memoryLimit: "512MB", threads: opts.threads, tempDir });
  try {
    // One reader over every file (a reader per file measured twice the time); the file names the segment.
    const bySeg = segments.map((s) => `(${lit(s.path)}, ${lit(s.id)})`).join(", ");
    const source = `SELECT v.__vseg AS seg, NULL::INTEGER AS rec, ${columns.map((_, i) => `r.${quoteIdent(`__v${i}`)}`).join(", ")}
                      FROM (${segmentValuesSql(segments, columns, { numbered: false, file: true })}) r
                      JOIN (VALUES ${bySeg}) v(__vfile, __vseg) ON v.__vfile = r.__file`;
    const tmp = `${file}.tmp`;
    await duck.conn.run(
      `COPY (SELECT seg AS __seg, ${columns.map((c) => quoteIdent(c.name)).join(", ")}, reason, __blank
               FROM (${readerTypedSql(source, columns)}))
         TO ${lit(tmp)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`,
    );
    fs.renameSync(tmp, file);
  } finally {
    closeDuck(duck);
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
  for (const s of segments) remember(`${s.id}:${spec}`, file);
}

function remember(key: string, file: string): void {
  typedFiles.set(key, file);
  if (typedFiles.size > MAX_REMEMBERED) typedFiles.delete(typedFiles.keys().next().value!);
}

/** Removes this dataset's copies no pending segment needs any more, once past their grace. */
function sweep(dir: string, inUse: Set<string>): void {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (inUse.has(file) || name.startsWith("spill-")) continue;
    const st = fs.statSync(file, { throwIfNoEntry: false });
    if (!st || now - st.mtimeMs < FILE_GRACE_MS) continue;
    fs.rmSync(file, { force: true });
    for (const [k, f] of typedFiles) if (f === file) typedFiles.delete(k);
  }
}
