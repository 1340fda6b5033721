import type { Tx } from "../db/client";
import {
  CANCELLABLE_VERSION_STATUSES,
  LIVE_VERSION_STATUSES,
  VERSION_STATUS,
  type VersionStatus,
} from "../ingest-status";

type JobStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

/**
 * Every move a dataset version makes, from which statuses, to which, and
 * what its ingest Job row becomes with it (null: the job already settled).
 */
export const INGEST_TRANSITIONS = {
  start: { from: LIVE_VERSION_STATUSES, to: VERSION_STATUS.INGESTING, job: "RUNNING" },
  complete: { from: [VERSION_STATUS.INGESTING], to: VERSION_STATUS.READY, job: "SUCCEEDED" },
  hold: { from: [VERSION_STATUS.INGESTING], to: VERSION_STATUS.AWAITING_CONFIRMATION, job: "SUCCEEDED" },
  fail: { from: LIVE_VERSION_STATUSES, to: VERSION_STATUS.FAILED, job: "FAILED" },
  cancel: { from: CANCELLABLE_VERSION_STATUSES, to: VERSION_STATUS.CANCELLED, job: "CANCELLED" },
  confirm: { from: [VERSION_STATUS.AWAITING_CONFIRMATION], to: VERSION_STATUS.READY, job: null },
  discard: { from: [VERSION_STATUS.AWAITING_CONFIRMATION], to: VERSION_STATUS.CANCELLED, job: null },
} as const satisfies Record<string, { from: readonly VersionStatus[]; to: VersionStatus; job: JobStatus | null }>;
export type IngestTransition = keyof typeof INGEST_TRANSITIONS;

/** Job-row fields a transition sets besides its status. */
function jobFields(job: JobStatus, error: string | null | undefined) {
  const now = new Date();
  if (job === "RUNNING") return { startedAt: now };
  return { finishedAt: now, ...(error !== undefined ? { error } : {}) };
}

/**
 * Locks versions before a transition that settles them (complete, fail,
 * cancel), their datasets first: the order a delete takes them in
 * (lockDataset, then the versions it cancels). So a delete and a worker's
 * completion queue instead of deadlocking, and the status read after the
 * lock is the one the transition meets: a version cancelled meanwhile is
 * seen as cancelled, and nothing of it is settled, metered or made queried.
 */
export async function lockVersionsForTransition(tx: Tx, versionIds: string[]): Promise<void> {
  if (!versionIds.length) return;
  await tx.$queryRaw`
    SELECT 1 AS locked FROM "Dataset"
     WHERE id IN (SELECT "datasetId" FROM "DatasetVersion" WHERE id = ANY(${versionIds}))
     ORDER BY id FOR NO KEY UPDATE`;
  await tx.$queryRaw`SELECT 1 AS locked FROM "DatasetVersion" WHERE id = ANY(${versionIds}) ORDER BY id FOR UPDATE`;
}

/**
 * Moves versions by a named transition: only those in its `from` statuses,
 * with their ingest Job rows in the same transaction. Returns how many moved
 * (0: another actor settled them first; the caller decides what that means).
 */
export async function transitionVersions(
  tx: Tx,
  ids: string[],
  name: IngestTransition,
  opts: { tenantId?: string; data?: Record<string, unknown>; jobError?: string | null } = {},
): Promise<number> {
  if (!ids.length) return 0;
  const t = INGEST_TRANSITIONS[name];
  const scope = opts.tenantId ? { tenantId: opts.tenantId } : {};
  const n = await tx.datasetVersion.updateMany({
    where: { id: { in: ids }, ...scope, status: { in: [...t.from] } },
    data: { ...opts.data, status: t.to },
  });
  if (n.count && t.job) {
    await tx.job.updateMany({
      where: {
        targetId: { in: ids },
        kind: "ingest",
        ...scope,
        // A cancel leaves a job that already settled as it was.
        ...(name === "cancel" ? { status: { in: ["QUEUED" as const, "RUNNING" as const, "WAITING" as const] } } : {}),
      },
      data: { status: t.job, ...jobFields(t.job, opts.jobError) },
    });
  }
  return n.count;
}

/** One version by a named transition; true when it moved. */
export async function transitionVersion(
  tx: Tx,
  id: string,
  name: IngestTransition,
  opts: Parameters<typeof transitionVersions>[3] = {},
): Promise<boolean> {
  return (await transitionVersions(tx, [id], name, opts)) === 1;
}

/** The dataset's queried version becomes `v` when it is newer than the current one. */
export async function makeQueried(
  tx: Tx,
  v: { datasetId: string; version: number; dataset: { readyVersion: number | null } },
): Promise<void> {
  const newer = v.dataset.readyVersion === null || v.version > v.dataset.readyVersion;
  await tx.dataset.update({
    where: { id: v.datasetId },
    data: newer ? { status: VERSION_STATUS.READY, readyVersion: v.version } : { status: VERSION_STATUS.READY },
  });
}
