import fs from "node:fs";
import path from "node:path";
import type { JobHelpers, Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import { newId, streamPartKey } from "@scrollintel/core/keys";
import { compactJobKey } from "@scrollintel/core/services/land-segment";
import {
  commitCompaction,
  findCompactedSegmentObjects,
  findCompactionBatch,
  markSegmentObjectsDeleted,
  withCompactionLock,
  type CompactionBatch,
} from "@scrollintel/core/services/stream-compaction-service";
import { foldSegments } from "../duck/fold-segments";
import { findSegmentColumns } from "../duck/pending-columns";
import { localPathsFor } from "../local-path-for";
import { mergeSmallParts, sweepUnlistedParts } from "./stream-merge";
import type { WorkerDeps } from "../worker-deps";

/** Queries that listed a segment before its compaction committed may read it this long after. */
export const SEGMENT_GRACE_MS = 60_000;

/**
 * stream-compact: folds a streaming dataset's pending segments into one zstd
 * Parquet part, made visible in one transaction with the segments marked
 * COMPACTED. Micro-batches: waits until the pending bytes reach
 * STREAM_COMPACT_BYTES or the oldest segment is STREAM_COMPACT_AGE_MS old.
 * A crash anywhere leaves the segments PENDING and the job retried; a part
 * written but not committed is an orphan the reconciliation sweeps.
 */
export function makeStreamCompactTask(deps: WorkerDeps): Task {
  return async (payload, helpers) => {
    const { datasetId } = JOBS["stream-compact"].parse(payload);
    const ran = await withCompactionLock(deps.db, datasetId, () => compactDataset(deps, datasetId, helpers));
    // Another compactor of this dataset is running: come back once it is likely done, for what arrives meanwhile.
    if (!ran) {
      // Every pending segment: the running compaction's are read already, the newer ones are not.
      const pending = await findCompactionBatch(deps.db, datasetId, Number.MAX_SAFE_INTEGER);
      if (pending) await readKeysAhead(deps, pending, helpers.job.id);
      const runAt = new Date(Date.now() + Math.max(deps.config.STREAM_COMPACT_AGE_MS, 1000));
      await helpers.addJob("stream-compact", { datasetId }, { jobKey: compactJobKey(datasetId), runAt });
    }
  };
}

async function compactDataset(deps: WorkerDeps, datasetId: string, helpers: JobHelpers): Promise<void> {
  const cfg = deps.config;
  const batch = await findCompactionBatch(deps.db, datasetId, cfg.STREAM_COMPACT_BYTES);
  if (batch) {
    const pendingBytes = batch.segments.reduce((n, s) => n + Number(s.bytes), 0);
    const dueAt = batch.segments[0]!.createdAt.getTime() + cfg.STREAM_COMPACT_AGE_MS;
    if (!batch.more && pendingBytes < cfg.STREAM_COMPACT_BYTES && dueAt > Date.now()) {
      await readKeysAhead(deps, batch, helpers.job.id);
      await helpers.addJob(
        "stream-compact",
        { datasetId },
        { jobKey: compactJobKey(datasetId), runAt: new Date(dueAt) },
      );
      return;
    }
    await compactBatch(deps, batch, helpers.job.id);
    await mergeSmallParts(deps, datasetId, helpers.job.id);
    if (batch.more) await helpers.addJob("stream-compact", { datasetId }, { jobKey: compactJobKey(datasetId) });
  }
  await sweepSegmentObjects(deps, datasetId);
  await sweepUnlistedParts(deps, datasetId);
}

async function compactBatch(deps: WorkerDeps, batch: CompactionBatch, jobId: string): Promise<void> {
  const t0 = performance.now();
  const paths = await localPathsFor(
    deps,
    batch.segments.map((s) => s.key),
  );
  const workDir = path.join(deps.config.dataDir, "tmp", `compact-${process.pid}-${jobId}`);
  const partPath = path.join(workDir, "part.parquet");
  try {
    const folded = await foldSegments({
      segments: batch.segments.map((s, i) => ({ id: s.id, path: paths[i]!, format: s.format, records: s.records })),
      columns: batch.columns,
      partPath,
      workDir,
      threads: deps.config.DUCKDB_THREADS,
      eventTime: batch.eventTime,
    });
    let partKey: string | null = null;
    let partBytes = 0n;
    if (folded.rows > 0n) {
      partKey = streamPartKey(batch.tenantId, batch.datasetId, newId());
      partBytes = BigInt(fs.statSync(partPath).size);
      await deps.storage.put(partKey, fs.createReadStream(partPath), { sizeBytes: Number(partBytes) });
    }
    const ok = await commitCompaction(deps.db, batch, { ...folded, partKey, partBytes });
    if (!ok && partKey) await deps.storage.delete(partKey).catch(() => undefined);
    deps.log.info(
      {
        task: "stream-compact",
        datasetId: batch.datasetId,
        tenantId: batch.tenantId,
        segments: batch.segments.length,
        rows: folded.rows.toString(),
        rejects: [...folded.rejectsBySegment.values()].reduce((a, b) => a + b, 0),
        ms: Math.round(performance.now() - t0),
        committed: ok,
      },
      "stream segments compacted",
    );
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Reads the keys of segments waiting for their compaction now, while they are
 * new. A query lists a stream's pending segments' columns first
 * (pending-columns.ts), and a segment's keys are read once per process: read
 * here, neither that query nor the compaction reads them again. Read at the
 * query instead, a backlog of segments made every query seconds slower (the
 * same work, only later and on the query's clock). A segment that cannot be
 * read is left to its compaction, which rejects or fails it.
 */
async function readKeysAhead(deps: WorkerDeps, batch: CompactionBatch, jobId: string): Promise<void> {
  const workDir = path.join(deps.config.dataDir, "tmp", `keys-${process.pid}-${jobId}`);
  try {
    const paths = await localPathsFor(
      deps,
      batch.segments.map((s) => s.key),
    );
    await findSegmentColumns({
      segments: batch.segments.map((s, i) => ({ id: s.id, path: paths[i]!, format: s.format })),
      known: batch.columns,
      tempDir: workDir,
      threads: deps.config.DUCKDB_THREADS,
    });
  } catch (e) {
    deps.log.debug(
      { err: e, datasetId: batch.datasetId },
      "segment keys not read ahead; the compaction will read them",
    );
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** Deletes segment objects whose grace period after compaction ended. */
async function sweepSegmentObjects(deps: WorkerDeps, datasetId: string): Promise<void> {
  const old = await findCompactedSegmentObjects(deps.db, datasetId, SEGMENT_GRACE_MS);
  for (const s of old) await deps.storage.delete(s.key);
  await markSegmentObjectsDeleted(
    deps.db,
    old.map((s) => s.id),
  );
}
