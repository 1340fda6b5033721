import type { Tx } from "../db/client";
import type { DuplicateChoice, DuplicateOf, VersionIntake } from "../intake-options";
import type { Actor } from "../tenant-context";
import { accessFor } from "../access/effective-access";
import { OPEN_POLICY } from "../access/policy";
import { readPolicies, readPrincipal } from "./access-read";
import { appendAudit } from "./audit-service";
import { INTAKE_STATUS, parkVersion, queueIngest, queueInspection } from "./intake-lifecycle";

interface IntakeVersion {
  id: string;
  tenantId: string;
  datasetId: string;
  version: number;
}

/**
 * A READY version of another dataset of the tenant holding a file with this
 * SHA-256, or null. Several may: a dataset whose queried version is that
 * file comes first, then the newest. Only datasets the uploader's access
 * policy shows count: an offer naming a hidden one would confirm what it holds.
 */
export async function findDuplicate(
  tx: Tx,
  v: { tenantId: string; datasetId: string; uploadId: string },
  sha256: string,
): Promise<DuplicateOf | null> {
  const hits = await tx.datasetVersion.findMany({
    // A trashed dataset or version is no longer "here": offering to replace it would bring it back.
    where: {
      tenantId: v.tenantId,
      sha256,
      status: "READY",
      trashedAt: null,
      datasetId: { not: v.datasetId },
      dataset: { trashedAt: null },
    },
    orderBy: [{ finishedAt: "desc" }, { version: "desc" }],
    include: { dataset: { select: { name: true, readyVersion: true } } },
    take: 20,
  });
  const visible = await visibleToUploader(tx, v);
  const shown = hits.filter((h) => visible(h.datasetId));
  const hit = shown.find((h) => h.dataset.readyVersion === h.version) ?? shown[0];
  return hit
    ? { datasetId: hit.datasetId, datasetName: hit.dataset.name, versionId: hit.id, version: hit.version }
    : null;
}

/** Which datasets the person (or the key's creator) who made the upload may see. */
async function visibleToUploader(tx: Tx, v: { tenantId: string; uploadId: string }) {
  const policies = await readPolicies(tx, v.tenantId);
  if (!policies.size) return () => true;
  const upload = await tx.upload.findFirst({ where: { id: v.uploadId }, select: { createdBy: true } });
  const principal = await readPrincipal(tx, v.tenantId, upload?.createdBy ?? "");
  return (datasetId: string) => accessFor(policies.get(datasetId) ?? OPEN_POLICY, principal).visible;
}

/**
 * Makes the version the next one of `datasetId` (a full version for replace,
 * an append for append), read as that dataset's latest version was. The
 * dataset the upload made goes once it holds nothing else.
 */
async function moveVersionTo(tx: Tx, v: IntakeVersion, datasetId: string, append: boolean) {
  // Two versions moved into one dataset at once must not take the same number.
  await tx.$executeRaw`SELECT 1 FROM "Dataset" WHERE id = ${datasetId} FOR UPDATE`;
  const latest = await tx.datasetVersion.findFirst({
    where: { datasetId, tenantId: v.tenantId },
    orderBy: { version: "desc" },
  });
  const moved = await tx.datasetVersion.update({
    where: { id: v.id },
    data: {
      datasetId,
      version: (latest?.version ?? 0) + 1,
      append,
      options: (latest?.options ?? {}) as object,
    },
  });
  const u = await tx.datasetVersion.findUniqueOrThrow({ where: { id: v.id }, select: { uploadId: true } });
  await tx.upload.updateMany({ where: { id: u.uploadId, tenantId: v.tenantId }, data: { datasetId } });
  if ((await tx.datasetVersion.count({ where: { datasetId: v.datasetId } })) === 0) {
    await tx.dataset.delete({ where: { id: v.datasetId } });
  }
  return moved;
}

/**
 * Replace, append or keep both, for a version whose file is already a READY
 * version of the tenant; audited with who decided. What follows: the
 * preview again when the version must be reviewed and now reads as another
 * dataset, the preview as it was for "keep", else the ingest.
 */
export async function decideDuplicate(
  tx: Tx,
  input: { version: IntakeVersion; intake: VersionIntake; duplicateOf: DuplicateOf; choice: DuplicateChoice },
  actor: Actor,
): Promise<{ datasetId: string; versionId: string; version: number }> {
  const { version: v, duplicateOf, choice } = input;
  const intake: VersionIntake = { ...input.intake, duplicateOf, decided: choice };
  let at = v;
  if (choice !== "keep") {
    const moved = await moveVersionTo(tx, v, duplicateOf.datasetId, choice === "append");
    at = { ...v, datasetId: moved.datasetId, version: moved.version };
    // New options (the dataset's) or an append target: the old preview no longer says how it reads.
    delete intake.preview;
  }
  if (!intake.review) await queueIngest(tx, at, intake);
  else if (intake.preview) await parkVersion(tx, at, INTAKE_STATUS.review, intake);
  else await queueInspection(tx, at, intake);
  await appendAudit(tx, {
    tenantId: v.tenantId,
    actor,
    action: "dataset.duplicate",
    target: at.datasetId,
    metadata: {
      choice,
      fromDatasetId: v.datasetId,
      version: at.version,
      duplicateOf: { datasetId: duplicateOf.datasetId, version: duplicateOf.version },
    },
  });
  return { datasetId: at.datasetId, versionId: v.id, version: at.version };
}
