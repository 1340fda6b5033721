import fs from "node:fs";
import path from "node:path";
import { datasetVersionPrefix, newId, streamPartKey } from "@scrollintel/core/keys";
import { commitMerge, findStreamParts } from "@scrollintel/core/services/stream-compaction-service";
import { mergeParquet } from "../duck/fold-segments";
import { localPathsFor } from "../local-path-for";
import type { WorkerDeps } from "../worker-deps";

/** Parts at least this large are left as they are. */
const SMALL_PART_BYTES = 64 * 1024 * 1024;
/** Unlisted parts younger than this may be a compaction about to commit, or read by a query. */
export const PART_GRACE_MS = 10 * 60 * 1000;

/**
 * Merges a stream's oldest small parts into one once it has
 * STREAM_MERGE_PARTS of them, so queries open few files; the swap is one
 * transaction, so queries see either the parts or their merge.
 */
export async function mergeSmallParts(deps: WorkerDeps, datasetId: string, jobId: string): Promise<void> {
  const v = await findStreamParts(deps.db, datasetId);
  if (!v || v.files.length < deps.config.STREAM_MERGE_PARTS) return;
  const sized = await Promise.all(
    v.files.map(async (k) => ({ key: k, size: (await deps.storage.stat(k))?.size ?? 0 })),
  );
  const small = sized.filter((p) => p.size > 0 && p.size < SMALL_PART_BYTES).slice(0, 64);
  if (small.length < 2) return;
  const workDir = path.join(deps.config.dataDir, "tmp", `merge-${process.pid}-${jobId}`);
  const out = path.join(workDir, "merged.parquet");
  try {
    const paths = await localPathsFor(
      deps,
      small.map((p) => p.key),
    );
    await mergeParquet({ paths, out, workDir, threads: deps.config.DUCKDB_THREADS, eventTime: v.eventTime });
    const newKey = streamPartKey(v.tenantId, datasetId, newId());
    const newBytes = BigInt(fs.statSync(out).size);
    await deps.storage.put(newKey, fs.createReadStream(out), { sizeBytes: Number(newBytes) });
    const oldBytes = small.reduce((n, p) => n + BigInt(p.size), 0n);
    const ok = await commitMerge(deps.db, {
      ...v,
      datasetId,
      oldKeys: small.map((p) => p.key),
      oldBytes,
      newKey,
      newBytes,
    });
    if (!ok) await deps.storage.delete(newKey).catch(() => undefined);
    deps.log.info({ task: "stream-compact", datasetId, merged: small.length, committed: ok }, "stream parts merged");
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Deletes stream parts no version lists (merged away, or a compaction that lost) once their grace passed. */
export async function sweepUnlistedParts(
  deps: WorkerDeps,
  datasetId: string,
  graceMs = PART_GRACE_MS,
): Promise<number> {
  const v = await findStreamParts(deps.db, datasetId);
  if (!v) return 0;
  const listed = new Set(v.files);
  let removed = 0;
  for await (const o of deps.storage.list(datasetVersionPrefix(v.tenantId, datasetId, 1))) {
    const name = o.key.slice(o.key.lastIndexOf("/") + 1);
    if (!name.startsWith("stream-") || listed.has(o.key)) continue;
    if (!o.modifiedAt || Date.now() - o.modifiedAt.getTime() < graceMs) continue;
    await deps.storage.delete(o.key);
    removed++;
  }
  return removed;
}
