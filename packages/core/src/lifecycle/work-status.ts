/**
 * The statuses every kind of background work shares (JobStatus in the
 * schema: Job, QueryRun, QueryResultPage, QueryExport), named once so no
 * service spells them inline. Ingest has its own set (DatasetStatus).
 */
export const WORK_STATUS = {
  QUEUED: "QUEUED",
  RUNNING: "RUNNING",
  SUCCEEDED: "SUCCEEDED",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
} as const;
export type WorkStatus = (typeof WORK_STATUS)[keyof typeof WORK_STATUS];

/** Waiting for or doing its work: someone may still change it. */
export const LIVE_STATUSES = [WORK_STATUS.QUEUED, WORK_STATUS.RUNNING] as const;
/** Settled: nothing changes it any more. */
export const DONE_STATUSES = [WORK_STATUS.SUCCEEDED, WORK_STATUS.FAILED, WORK_STATUS.CANCELLED] as const;

const live = new Set<string>(LIVE_STATUSES);
const done = new Set<string>(DONE_STATUSES);

export function isLive(status: string | null | undefined): boolean {
  return status != null && live.has(status);
}

export function isDone(status: string | null | undefined): boolean {
  return status != null && done.has(status);
}
