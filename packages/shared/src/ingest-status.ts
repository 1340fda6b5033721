/**
 * Status names of a dataset version (and of its dataset), client-safe: the
 * worker, the services and the dataset page spell them from here.
 */
export const VERSION_STATUS = {
  QUEUED: "QUEUED",
  INGESTING: "INGESTING",
  READY: "READY",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
  /** Ingested, but skipped more than its threshold: waits for a person to confirm or discard it. */
  AWAITING_CONFIRMATION: "AWAITING_CONFIRMATION",
  /** Before ingest (intake-options.ts): the head and SHA-256 are read, then a person reviews or decides. */
  INSPECTING: "INSPECTING",
  AWAITING_REVIEW: "AWAITING_REVIEW",
  AWAITING_DUPLICATE: "AWAITING_DUPLICATE",
} as const;
export type VersionStatus = (typeof VERSION_STATUS)[keyof typeof VERSION_STATUS];

/** A worker may still be reading these. */
export const LIVE_VERSION_STATUSES: readonly VersionStatus[] = [VERSION_STATUS.QUEUED, VERSION_STATUS.INGESTING];

/** A cancel stops these: read by a worker now, or parked before their ingest. */
export const CANCELLABLE_VERSION_STATUSES: readonly VersionStatus[] = [
  ...LIVE_VERSION_STATUSES,
  VERSION_STATUS.INSPECTING,
  VERSION_STATUS.AWAITING_REVIEW,
  VERSION_STATUS.AWAITING_DUPLICATE,
];

/** An append cannot build on the versions below it while one of them is in these. */
export const UNSETTLED_VERSION_STATUSES: readonly VersionStatus[] = [
  ...LIVE_VERSION_STATUSES,
  VERSION_STATUS.AWAITING_CONFIRMATION,
];

export function isLiveVersionStatus(s: string): boolean {
  return (LIVE_VERSION_STATUSES as readonly string[]).includes(s);
}
