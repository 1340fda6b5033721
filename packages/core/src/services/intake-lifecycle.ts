import type { Tx } from "../db/client";
import { jobKeys } from "../job-lanes";
import { addJob } from "../jobs";
import { INTAKE_STATUS, type IntakeStatus, type VersionIntake, type WAITING_STATUSES } from "../intake-options";

export { INTAKE_STATUS, INTAKE_STATUSES, WAITING_STATUSES, type IntakeStatus } from "../intake-options";

/**
 * The pre-ingest life of a dataset version (the inspect step and the two
 * places it parks for a person), beside the ingest's own QUEUED → INGESTING
 * → READY. Every transition writes the version, its dataset (while it has
 * no READY version) and the version's Job row together, in the caller's
 * transaction.
 *
 *   upload finished ─▶ INSPECTING ─▶ AWAITING_DUPLICATE ─▶ (decision) ─┐
 *                          │  ▲            │                          │
 *                          │  └── options changed (re-preview) ◀──────┤
 *                          ├─▶ AWAITING_REVIEW ─▶ start ─▶ QUEUED ────┘─▶ INGESTING ─▶ READY
 *                          └─▶ QUEUED (nothing to review)
 */
export const inspectJobKey = (versionId: string) => `inspect:${versionId}`;

interface VersionRef {
  id: string;
  tenantId: string;
  datasetId: string;
}

/** Version, its dataset (until it has a READY version) and Job row to one status, in one go. */
async function moveTo(
  tx: Tx,
  v: VersionRef,
  status: IntakeStatus | "QUEUED",
  job: "QUEUED" | "WAITING",
  intake?: VersionIntake,
): Promise<void> {
  await tx.datasetVersion.update({
    where: { id: v.id },
    data: { status, error: null, ...(intake ? { intake: JSON.parse(JSON.stringify(intake)) as object } : {}) },
  });
  await tx.dataset.updateMany({ where: { id: v.datasetId, readyVersion: null }, data: { status } });
  await tx.job.updateMany({
    where: { targetId: v.id, kind: "ingest" },
    data: { status: job, startedAt: null, finishedAt: null, error: null },
  });
}

/** → INSPECTING with the inspect-upload job queued: the worker reads the head and the SHA-256. */
export async function queueInspection(tx: Tx, v: VersionRef, intake?: VersionIntake): Promise<void> {
  await moveTo(tx, v, INTAKE_STATUS.inspecting, "QUEUED", intake);
  await addJob(tx, "inspect-upload", { datasetVersionId: v.id }, { jobKey: inspectJobKey(v.id), tenantId: v.tenantId });
}

/** → AWAITING_REVIEW or AWAITING_DUPLICATE: nothing runs until a person decides. */
export async function parkVersion(
  tx: Tx,
  v: VersionRef,
  status: (typeof WAITING_STATUSES)[number],
  intake: VersionIntake,
): Promise<void> {
  await moveTo(tx, v, status, "WAITING", intake);
}

/** → QUEUED with the ingest job queued: the full conversion, read with the version's options. */
export async function queueIngest(tx: Tx, v: VersionRef, intake?: VersionIntake): Promise<void> {
  await moveTo(tx, v, "QUEUED", "QUEUED", intake);
  await addIngestJob(tx, v);
}

/** The ingest job alone, for a version that is QUEUED already (a new upload with nothing to inspect). */
export async function addIngestJob(tx: Tx, v: { id: string; tenantId: string }): Promise<void> {
  await addJob(tx, "ingest", { datasetVersionId: v.id }, { jobKey: jobKeys.ingest(v.id), tenantId: v.tenantId });
}
