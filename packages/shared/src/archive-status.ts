// The tier names of a dataset, safe for the browser (no imports): the dataset
// page and the server read the same set. Transitions live in archive-lifecycle.ts.

/** Where a dataset's Parquet lives; the names of the Prisma enum ArchiveStatus. */
export const ARCHIVE_STATUS = {
  /** In the bucket (warm tier); the worker's cache is the hot tier above it. */
  WARM: "WARM",
  ARCHIVING: "ARCHIVING",
  /** In the cold tier: an S3 storage class, or the tenant's archive/ prefix on local disk. */
  ARCHIVED: "ARCHIVED",
  RESTORING: "RESTORING",
} as const;
export type ArchiveStatusName = (typeof ARCHIVE_STATUS)[keyof typeof ARCHIVE_STATUS];

/** Objects of these datasets are moving or cold: queries refuse them ("archived: restore to query"). */
export const NOT_QUERYABLE: readonly ArchiveStatusName[] = ["ARCHIVING", "ARCHIVED", "RESTORING"];
/** Objects are moving between tiers: both locations may hold some of them. */
export const MOVING: readonly ArchiveStatusName[] = ["ARCHIVING", "RESTORING"];
