import type { Db, Tx } from "../db/client";
import { systemTx } from "../db/scoped";
import { parseIngestOptions, type IngestOptions } from "../ingest-options";
import {
  needsInspection,
  parseVersionIntake,
  type IntakePreview,
  type UploadIntake,
  type VersionIntake,
} from "../intake-options";
import { SYSTEM_ACTOR } from "../tenant-context";
import { appendAudit } from "./audit-service";
import type { ColumnInfo } from "./dataset-service";
import { decideDuplicate, findDuplicate } from "./duplicate-decision";
import { addIngestJob, INTAKE_STATUS, parkVersion, queueIngest, queueInspection } from "./intake-lifecycle";

interface VersionRef {
  id: string;
  tenantId: string;
  datasetId: string;
}

/**
 * The upload's finish transaction hands its new version here: straight to
 * the ingest, or first to the inspect step (preview, duplicate check). An
 * append is never offered as a duplicate: it names its dataset already.
 */
export async function beginIntake(tx: Tx, v: VersionRef, upload: UploadIntake, append: boolean): Promise<void> {
  const intake: VersionIntake = { ...upload, onDuplicate: append ? "keep" : upload.onDuplicate };
  if (needsInspection(intake)) await queueInspection(tx, v, intake);
  else await addIngestJob(tx, v);
}

export type InspectionStart =
  | { state: "skip"; status: string }
  | {
      state: "run";
      version: VersionRef & { version: number; append: boolean; sha256: string | null };
      upload: { storageKey: string; filename: string; sizeBytes: bigint; expectedSha256: string | null };
      options: IngestOptions;
      intake: VersionIntake;
      /** An append reads into the columns of the READY version below it. */
      target: ColumnInfo[] | null;
    };

/** What the inspect step needs, while the version is INSPECTING; "skip" once it is not (cancelled, decided). */
export async function claimInspection(db: Db, versionId: string): Promise<InspectionStart> {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUnique({ where: { id: versionId } });
    if (!v || v.status !== INTAKE_STATUS.inspecting) return { state: "skip", status: v?.status ?? "GONE" };
    const upload = await tx.upload.findFirstOrThrow({ where: { id: v.uploadId, tenantId: v.tenantId } });
    const base = v.append
      ? await tx.datasetVersion.findFirst({
          where: { datasetId: v.datasetId, version: { lt: v.version }, status: "READY", trashedAt: null },
          orderBy: { version: "desc" },
        })
      : null;
    return {
      state: "run",
      version: v,
      upload: {
        storageKey: upload.storageKey,
        filename: upload.filename,
        sizeBytes: upload.sizeBytes,
        expectedSha256: upload.expectedSha256,
      },
      options: parseIngestOptions(v.options),
      intake: parseVersionIntake(v.intake),
      target: base ? (base.columns as unknown as ColumnInfo[]) : null,
    };
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The inspect step's findings: the SHA-256 (a duplicate is parked for a
 * decision, or decided as the upload said), then the preview to review, or
 * the ingest. A stale run (options changed meanwhile: a newer inspection is
 * queued; or the version was cancelled) writes nothing.
 */
export async function finishInspection(
  db: Db,
  versionId: string,
  found: { sha256: string; preview: IntakePreview | null; options: IngestOptions },
): Promise<{ state: "stale" | "duplicate" | "review" | "queued" }> {
  return systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    if (v.status !== INTAKE_STATUS.inspecting || !same(parseIngestOptions(v.options), found.options)) {
      return { state: "stale" };
    }
    await tx.datasetVersion.update({ where: { id: v.id }, data: { sha256: found.sha256 } });
    const intake = parseVersionIntake(v.intake);
    if (found.preview) intake.preview = found.preview;
    const dup = !v.append && !intake.decided && intake.onDuplicate !== "keep";
    const duplicateOf = dup ? await findDuplicate(tx, v, found.sha256) : null;
    if (duplicateOf && intake.onDuplicate === "ask") {
      await parkVersion(tx, v, INTAKE_STATUS.duplicate, { ...intake, duplicateOf });
      return { state: "duplicate" };
    }
    if (duplicateOf && intake.onDuplicate !== "ask") {
      // Decided at upload time: applied now, audited as the system acting on the uploader's choice.
      await decideDuplicate(tx, { version: v, intake, duplicateOf, choice: intake.onDuplicate }, SYSTEM_ACTOR);
      return { state: "queued" };
    }
    if (intake.review) {
      await parkVersion(tx, v, INTAKE_STATUS.review, intake);
      return { state: "review" };
    }
    await queueIngest(tx, v, intake);
    return { state: "queued" };
  });
}

/** The file itself is unusable (damaged in transit): FAILED with a message, as a failed ingest is. */
export async function failInspection(db: Db, versionId: string, message: string): Promise<void> {
  await systemTx(db, async (tx) => {
    const v = await tx.datasetVersion.findUniqueOrThrow({ where: { id: versionId } });
    if (v.status !== INTAKE_STATUS.inspecting) return;
    await tx.datasetVersion.update({
      where: { id: v.id },
      data: { status: "FAILED", error: message, finishedAt: new Date(), progress: {} },
    });
    await tx.dataset.updateMany({ where: { id: v.datasetId, readyVersion: null }, data: { status: "FAILED" } });
    await tx.job.updateMany({
      where: { targetId: v.id, kind: "ingest" },
      data: { status: "FAILED", finishedAt: new Date(), error: message },
    });
    await appendAudit(tx, {
      tenantId: v.tenantId,
      actor: SYSTEM_ACTOR,
      action: "dataset.failed",
      target: v.datasetId,
      metadata: { version: v.version, error: message },
    });
  });
}
