import { z } from "zod";

/**
 * Column types a user may pick for an override. A closed list: the worker
 * puts the type into DuckDB SQL, so it is never free text.
 */
export const COLUMN_TYPES = [
  "VARCHAR",
  "BIGINT",
  "INTEGER",
  "DOUBLE",
  "DECIMAL(18,4)",
  "BOOLEAN",
  "DATE",
  "TIMESTAMP",
  "TIME",
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A column name as queries will use it: plain SQL identifier, no quoting needed. */
export const ZColumnName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and _, not starting with a digit");

export const ZColumnOverride = z.object({
  /** The column as detected in the source. */
  name: z.string().min(1).max(255),
  rename: ZColumnName.optional(),
  type: z.enum(COLUMN_TYPES).optional(),
});

export const BAD_ROW_POLICIES = ["fail", "skip"] as const;
export type BadRowPolicy = (typeof BAD_ROW_POLICIES)[number];

/** How a version reads its source; stored on the version so a retry reads it the same way. */
export const ZIngestOptions = z.object({
  /** fail: the first bad row fails the version. skip: bad rows are left out and listed. */
  badRows: z.enum(BAD_ROW_POLICIES).default("fail"),
  /** CSV only; one character, "\t" for tab. Unset: detected. */
  delimiter: z
    .string()
    .min(1)
    .max(2)
    .refine((d) => d === "\\t" || [...d].length === 1, "one character, or \\t for tab")
    .optional(),
  /** CSV only: whether the first line names the columns. Unset: detected. */
  header: z.boolean().optional(),
  columns: z.array(ZColumnOverride).max(4096).default([]),
});
export type IngestOptions = z.infer<typeof ZIngestOptions>;

/** Options stored on a version; anything unreadable falls back to the defaults. */
export function parseIngestOptions(raw: unknown): IngestOptions {
  const r = ZIngestOptions.safeParse(raw ?? {});
  return r.success ? r.data : ZIngestOptions.parse({});
}

/** Rows of the rejects table kept per version; the count of all skipped rows is kept too. */
export const MAX_STORED_REJECTS = 10_000;
