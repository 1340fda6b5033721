import { z } from "zod";
import type { Tx } from "./db/client";
import { ARCHIVE_STATUS as S, MOVING, type ArchiveStatusName } from "./archive-status";
import { newId } from "./keys";

export { ARCHIVE_STATUS, MOVING, NOT_QUERYABLE, type ArchiveStatusName } from "./archive-status";

/** Job.kind of the two moves (targetId: the dataset). */
export const ARCHIVE_JOB = { archive: "dataset-archive", restore: "dataset-restore" } as const;

/** Dataset.archiveProgress while a move runs: objects moved of all, and their bytes. */
export const ZArchiveProgress = z.object({
  done: z.number().int().min(0).default(0),
  total: z.number().int().min(0).default(0),
  bytes: z.number().min(0).default(0),
});
export type ArchiveProgress = z.infer<typeof ZArchiveProgress>;

export function parseArchiveProgress(v: unknown): ArchiveProgress {
  const r = ZArchiveProgress.safeParse(v ?? {});
  return r.success ? r.data : { done: 0, total: 0, bytes: 0 };
}

interface Move {
  tenantId: string;
  datasetId: string;
  createdBy: string;
}

/**
 * Starts a move: the dataset leaves `from` for `to` and its Job row is made,
 * in the caller's transaction. False when the dataset was not in `from`
 * (another worker or request got there first): nothing is written then.
 */
async function beginMove(tx: Tx, m: Move, from: ArchiveStatusName, to: ArchiveStatusName, kind: string) {
  const n = await tx.dataset.updateMany({
    where: { id: m.datasetId, tenantId: m.tenantId, archiveStatus: from },
    data: { archiveStatus: to, archiveProgress: { done: 0, total: 0, bytes: 0 }, archiveError: null },
  });
  if (n.count !== 1) return null;
  const job = await tx.job.create({
    data: { id: newId(), tenantId: m.tenantId, kind, targetId: m.datasetId, createdBy: m.createdBy },
  });
  return job.id;
}

/** WARM → ARCHIVING, with a RUNNING archive Job row (the cron task starts at once). */
export async function beginArchive(tx: Tx, m: Move): Promise<boolean> {
  const jobId = await beginMove(tx, m, S.WARM, S.ARCHIVING, ARCHIVE_JOB.archive);
  if (jobId) await tx.job.update({ where: { id: jobId }, data: { status: "RUNNING", startedAt: new Date() } });
  return jobId !== null;
}

/** ARCHIVED → RESTORING, with a QUEUED restore Job row; the caller enqueues the task. */
export async function beginRestore(tx: Tx, m: Move): Promise<boolean> {
  return (await beginMove(tx, m, S.ARCHIVED, S.RESTORING, ARCHIVE_JOB.restore)) !== null;
}

/** Progress of a running move, in the dataset row the page reads. */
export async function recordMoveProgress(tx: Tx, datasetId: string, p: ArchiveProgress): Promise<void> {
  await tx.dataset.updateMany({
    where: { id: datasetId, archiveStatus: { in: [...MOVING] } },
    data: { archiveProgress: p },
  });
}

/** The move's Job row: RUNNING when the worker picks it up. */
export async function markMoveRunning(tx: Tx, datasetId: string, kind: string): Promise<void> {
  await tx.job.updateMany({
    where: { targetId: datasetId, kind, status: "QUEUED" },
    data: { status: "RUNNING", startedAt: new Date() },
  });
}

/**
 * Ends a move: ARCHIVING → ARCHIVED or RESTORING → WARM, and its Job row
 * SUCCEEDED, together. False when the dataset was not moving that way.
 */
export async function finishMove(tx: Tx, datasetId: string, kind: "archive" | "restore"): Promise<boolean> {
  const [from, to] = kind === "archive" ? [S.ARCHIVING, S.ARCHIVED] : [S.RESTORING, S.WARM];
  const n = await tx.dataset.updateMany({
    where: { id: datasetId, archiveStatus: from },
    data: { archiveStatus: to, archivedAt: kind === "archive" ? new Date() : null, archiveError: null },
  });
  if (n.count !== 1) return false;
  await tx.job.updateMany({
    where: { targetId: datasetId, kind: ARCHIVE_JOB[kind], status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "SUCCEEDED", finishedAt: new Date(), error: null },
  });
  return true;
}

/**
 * A restore that gave up: back to ARCHIVED (each object restores
 * idempotently, so Restore can simply be pressed again), its Job FAILED.
 */
export async function failRestore(tx: Tx, datasetId: string, error: string): Promise<void> {
  const n = await tx.dataset.updateMany({
    where: { id: datasetId, archiveStatus: S.RESTORING },
    data: { archiveStatus: S.ARCHIVED, archiveError: error },
  });
  if (n.count !== 1) return;
  await tx.job.updateMany({
    where: { targetId: datasetId, kind: ARCHIVE_JOB.restore, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "FAILED", finishedAt: new Date(), error },
  });
}
