import { z } from "zod";
import { DomainError } from "./errors";
import { ZIngestOptions } from "./ingest-options";
import { VERSION_STATUS } from "./ingest-status";

/**
 * What happens to an uploaded file before its ingest starts: a preview to
 * review (first rows as they will be read, detected schema), and what to do
 * when the file is already a READY version of the tenant. Client-safe: the
 * upload page and the tus metadata parser share it.
 */
/** The pre-ingest statuses of a dataset version (transitions: services/intake-lifecycle.ts). */
export const INTAKE_STATUS = {
  inspecting: VERSION_STATUS.INSPECTING,
  review: VERSION_STATUS.AWAITING_REVIEW,
  duplicate: VERSION_STATUS.AWAITING_DUPLICATE,
} as const;
export type IntakeStatus = (typeof INTAKE_STATUS)[keyof typeof INTAKE_STATUS];
/** Versions parked until a person decides: their Job row is WAITING and holds no job slot. */
export const WAITING_STATUSES: readonly IntakeStatus[] = [INTAKE_STATUS.review, INTAKE_STATUS.duplicate];
/** Every pre-ingest status: a version in one of these may be cancelled and has not been read in full. */
export const INTAKE_STATUSES: readonly IntakeStatus[] = Object.values(INTAKE_STATUS);

export const DUPLICATE_CHOICES = ["replace", "append", "keep"] as const;
export type DuplicateChoice = (typeof DUPLICATE_CHOICES)[number];
export const ON_DUPLICATE = ["ask", ...DUPLICATE_CHOICES] as const;
export type OnDuplicate = (typeof ON_DUPLICATE)[number];

/**
 * Chosen at upload. The defaults keep integrations as they were: start at
 * once, and a repeated file becomes a new dataset ("keep"). The browser asks
 * for both (review, "ask").
 */
export const ZUploadIntake = z.object({
  review: z.boolean().default(false),
  onDuplicate: z.enum(ON_DUPLICATE).default("keep"),
});
export type UploadIntake = z.infer<typeof ZUploadIntake>;

const ZCol = z.object({ name: z.string(), type: z.string() });

/** The first rows of a file as the version's options read them, made by the worker's inspect step. */
export const ZIntakePreview = z.object({
  /** The options this preview was read with: starting the ingest reads with exactly these. */
  options: ZIngestOptions,
  format: z.string().nullable(),
  compression: z.string().nullable(),
  dialect: z.record(z.string(), z.unknown()).nullable(),
  /** Columns as detected in the file, before renames and type overrides. */
  sourceColumns: z.array(ZCol),
  /** Columns the ingest will write. */
  columns: z.array(ZCol),
  rows: z.array(z.record(z.string(), z.unknown())),
  /** Bytes of the file's start the rows were read from, and whether that was the whole file. */
  headBytes: z.number(),
  wholeFile: z.boolean(),
  /** Why the file cannot be read with these options; the form stays so they can be changed. */
  error: z.string().nullable(),
});
export type IntakePreview = z.infer<typeof ZIntakePreview>;

export const ZDuplicateOf = z.object({
  datasetId: z.string(),
  datasetName: z.string(),
  versionId: z.string(),
  version: z.number(),
});
export type DuplicateOf = z.infer<typeof ZDuplicateOf>;

/** DatasetVersion.intake: the upload's choices plus what the inspect step found and what was decided. */
export const ZVersionIntake = ZUploadIntake.extend({
  preview: ZIntakePreview.optional(),
  duplicateOf: ZDuplicateOf.optional(),
  decided: z.enum(DUPLICATE_CHOICES).optional(),
});
export type VersionIntake = z.infer<typeof ZVersionIntake>;

export function parseUploadIntake(raw: unknown): UploadIntake {
  const r = ZUploadIntake.safeParse(raw ?? {});
  return r.success ? r.data : ZUploadIntake.parse({});
}

export function parseVersionIntake(raw: unknown): VersionIntake {
  const r = ZVersionIntake.safeParse(raw ?? {});
  return r.success ? r.data : ZVersionIntake.parse({});
}

/** Whether a version goes through the inspect step before its ingest. */
export function needsInspection(intake: UploadIntake): boolean {
  return intake.review || intake.onDuplicate !== "keep";
}

const FLAG: Record<string, boolean> = { "1": true, true: true, yes: true, "0": false, false: false, no: false };

/**
 * tus Upload-Metadata `review` ("1"/"0") and `onDuplicate`; an unknown value
 * is refused with a message naming the key rather than silently ignored.
 */
export function intakeFromMetadata(meta: Record<string, string | null | undefined>): UploadIntake {
  const review = meta.review == null || meta.review === "" ? undefined : FLAG[meta.review.toLowerCase()];
  if (meta.review && review === undefined) throw new DomainError("BAD_REQUEST", 'Metadata review must be "1" or "0".');
  const onDuplicate = meta.onDuplicate || undefined;
  if (onDuplicate && !(ON_DUPLICATE as readonly string[]).includes(onDuplicate)) {
    throw new DomainError("BAD_REQUEST", `Metadata onDuplicate must be one of ${ON_DUPLICATE.join(", ")}.`);
  }
  return ZUploadIntake.parse({ review, onDuplicate });
}
