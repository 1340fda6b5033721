import type { Db, Tx } from "../db/client";
import { tenantTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { parseIngestOptions, ZIngestOptions, type IngestOptions } from "../ingest-options";
import { parseVersionIntake, type DuplicateChoice } from "../intake-options";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { maskPreviewRows } from "../access/mask-values";
import { appendAudit, auditFromCtx } from "./audit-service";
import { readDatasetAccess } from "./access-read";
import { isHiddenFrom, readReaderAccess, requireVisibleDataset } from "./reader-access";
import { decideDuplicate } from "./duplicate-decision";
import { INTAKE_STATUS, queueIngest, queueInspection, type IntakeStatus } from "./intake-lifecycle";

const WHAT: Record<IntakeStatus, string> = {
  INSPECTING: "being previewed",
  AWAITING_REVIEW: "waiting for review",
  AWAITING_DUPLICATE: "waiting for a duplicate decision",
};

/** The caller's tenant's version, in one of `statuses`; NOT_FOUND for another tenant's, CONFLICT otherwise. */
async function versionIn(tx: Tx, ctx: TenantCtx, versionId: string, statuses: IntakeStatus[]) {
  const v = await tx.datasetVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId } });
  if (!v) throw notFound("dataset version");
  await requireVisibleDataset(tx, ctx, { datasetId: v.datasetId, what: "dataset version" });
  if (!(statuses as string[]).includes(v.status)) {
    throw new DomainError(
      "CONFLICT",
      `Version ${v.version} is not ${statuses.map((s) => WHAT[s]).join(" or ")}: it is ${v.status.toLowerCase()}.`,
    );
  }
  return v;
}

/**
 * A version's pre-ingest state: its status, the options it reads with, the
 * preview and any duplicate offer. The preview's first rows are shown as the
 * reader's access policy allows (masked; none under a row filter), since a
 * re-upload or append lands in a dataset the policy already covers.
 */
export async function getIntakeState(db: Db, ctx: TenantCtx, versionId: string) {
  requirePermission(ctx, "dataset.read");
  const { v, reader } = await tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await tx.datasetVersion.findFirst({ where: { id: versionId, tenantId: ctx.tenantId } });
    if (!v) throw notFound("dataset version");
    const columns = parseVersionIntake(v.intake).preview?.columns.map((c) => c.name) ?? [];
    return { v, reader: await readReaderAccess(tx, ctx, { datasetId: v.datasetId, columns, what: "dataset version" }) };
  });
  const intake = parseVersionIntake(v.intake);
  const preview = intake.preview
    ? {
        ...intake.preview,
        rows: maskPreviewRows(intake.preview.rows, reader.access, reader.secret) as Record<string, unknown>[],
      }
    : null;
  return {
    versionId: v.id,
    datasetId: v.datasetId,
    version: v.version,
    status: v.status,
    append: v.append,
    options: parseIngestOptions(v.options),
    review: intake.review,
    onDuplicate: intake.onDuplicate,
    preview,
    /** True when a row filter (or the policy) keeps this reader from seeing the preview's rows. */
    rowsHidden: reader.countsHidden && (intake.preview?.rows.length ?? 0) > 0,
    masks: reader.access.masks,
    duplicateOf: intake.duplicateOf ?? null,
    decided: intake.decided ?? null,
  };
}

/** New reading options for a version under review: the worker reads the file's head again with them. */
export async function updatePreview(db: Db, ctx: TenantCtx, input: { versionId: string; options: IngestOptions }) {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  const options = ZIngestOptions.parse(input.options);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await versionIn(tx, ctx, input.versionId, [INTAKE_STATUS.review, INTAKE_STATUS.inspecting]);
    await tx.datasetVersion.update({ where: { id: v.id }, data: { options } });
    await queueInspection(tx, v);
    await appendAudit(tx, auditFromCtx(ctx, "dataset.preview", v.datasetId, { version: v.version, options }));
    return { versionId: v.id, status: INTAKE_STATUS.inspecting };
  });
}

/**
 * Starts the full ingest of a reviewed version, reading with exactly the
 * options given (what the form shows), or those it was previewed with.
 */
export async function startReviewedIngest(
  db: Db,
  ctx: TenantCtx,
  input: { versionId: string; options?: IngestOptions },
) {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  const given = input.options ? ZIngestOptions.parse(input.options) : undefined;
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await versionIn(tx, ctx, input.versionId, [INTAKE_STATUS.review]);
    const options = given ?? parseIngestOptions(v.options);
    await tx.datasetVersion.update({ where: { id: v.id }, data: { options } });
    await queueIngest(tx, v);
    await appendAudit(tx, auditFromCtx(ctx, "dataset.ingest.start", v.datasetId, { version: v.version, options }));
    return { versionId: v.id, datasetId: v.datasetId, status: "QUEUED" as const };
  });
}

/** Replace, append or keep both for a version parked as a duplicate; the answer names where it went. */
export async function resolveDuplicate(
  db: Db,
  ctx: TenantCtx,
  input: { versionId: string; choice: DuplicateChoice },
): Promise<{ datasetId: string; versionId: string; version: number }> {
  requirePermission(ctx, "dataset.write");
  requireActive(ctx);
  return tenantTx(db, ctx.tenantId, async (tx) => {
    const v = await versionIn(tx, ctx, input.versionId, [INTAKE_STATUS.duplicate]);
    const intake = parseVersionIntake(v.intake);
    if (!intake.duplicateOf) throw new DomainError("CONFLICT", "This version has no duplicate offer.");
    // The offered dataset may have been deleted since the offer was made.
    const target = await tx.dataset.findFirst({ where: { id: intake.duplicateOf.datasetId, tenantId: ctx.tenantId } });
    // One the caller's policy hides by now is gone for them too: nothing of theirs may replace or grow it.
    const hidden = target && isHiddenFrom(ctx, await readDatasetAccess(tx, ctx.tenantId, ctx.actor.id, target.id));
    if ((!target || hidden) && input.choice !== "keep")
      throw new DomainError("CONFLICT", "The matching dataset is gone.");
    return decideDuplicate(
      tx,
      { version: v, intake, duplicateOf: intake.duplicateOf, choice: input.choice },
      ctx.actor,
    );
  });
}
