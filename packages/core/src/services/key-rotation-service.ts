import type { Db } from "../db/client";
import { systemTx, tenantTx } from "../db/scoped";
import { DomainError } from "../errors";
import { addJob } from "../jobs";
import type { TenantCtx } from "../tenant-context";
import { appendAudit } from "./audit-service";

/** Rotation statuses: the job keeps a rotation RUNNING until the old keys are retired. */
export const KEY_ROTATION_STATUS = { running: "RUNNING", done: "DONE" } as const;

/** What the compliance page shows of a tenant's encryption: its key versions and the latest rotation. */
export async function getEncryptionStatus(db: Db, tenantId: string, opts: { enabled: boolean }) {
  return tenantTx(db, tenantId, async (tx) => {
    const keys = await tx.tenantDataKey.findMany({
      where: { tenantId },
      orderBy: { version: "desc" },
      select: { version: true, createdAt: true },
    });
    const latest = await tx.tenantKeyRotation.findFirst({ where: { tenantId }, orderBy: { startedAt: "desc" } });
    const rotation = latest && {
      id: latest.id,
      status: latest.status,
      toVersion: latest.toVersion,
      objectsTotal: latest.objectsTotal,
      objectsDone: latest.objectsDone,
      uploadsWaiting: latest.uploadsWaiting,
      retiredVersions: latest.retiredVersions,
      startedAt: latest.startedAt,
      finishedAt: latest.finishedAt,
    };
    return { enabled: opts.enabled, currentVersion: keys[0]?.version ?? null, keys, rotation };
  });
}

/**
 * Starts a data key rotation (tenant owners): the rotation row, its audit event
 * and the re-encrypt-tenant job commit together. The job makes the new key
 * version, re-seals every object under it and retires the older versions.
 */
export async function requestKeyRotation(db: Db, ctx: TenantCtx, opts: { enabled: boolean }) {
  if (!opts.enabled)
    throw new DomainError("BAD_REQUEST", "Storage encryption is off on this deployment: no keys to rotate.");
  return systemTx(db, async (tx) => {
    const running = await tx.tenantKeyRotation.findFirst({
      where: { tenantId: ctx.tenantId, status: KEY_ROTATION_STATUS.running },
    });
    if (running) throw new DomainError("CONFLICT", "A key rotation is already running for this workspace.");
    const top = await tx.tenantDataKey.findFirst({
      where: { tenantId: ctx.tenantId },
      orderBy: { version: "desc" },
      select: { version: true },
    });
    const rotation = await tx.tenantKeyRotation.create({
      data: { tenantId: ctx.tenantId, toVersion: (top?.version ?? 0) + 1, requestedBy: ctx.actor.id },
    });
    await appendAudit(tx, {
      tenantId: ctx.tenantId,
      actor: ctx.actor,
      action: "key.rotate",
      target: rotation.id,
      metadata: { fromVersion: top?.version ?? null, toVersion: rotation.toVersion },
    });
    await addJob(tx, "reencrypt-tenant", { rotationId: rotation.id }, { jobKey: `reencrypt-tenant:${ctx.tenantId}` });
    return { id: rotation.id, toVersion: rotation.toVersion };
  });
}
