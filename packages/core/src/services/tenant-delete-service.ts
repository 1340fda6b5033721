import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { DomainError, notFound } from "../errors";
import { addJob } from "../jobs";
import type { Actor } from "../tenant-context";
import { appendAudit } from "./audit-service";

/**
 * Deletes a tenant for good (platform admins only; the web checks the caller).
 * In one transaction: its data keys are destroyed first (crypto-shredding: every
 * encrypted object of the tenant, in storage, backups and stray copies, is
 * unreadable from the commit on), the deletion is written to its audit chain
 * (which stays, append-only, for the record), and the tenant row goes with
 * everything that cascades from it. A `purge-tenant` job, enqueued in the same
 * transaction, then removes the (already unreadable) objects and cached copies.
 * `confirmSlug` must repeat the tenant's slug, so an id typo cannot delete a tenant.
 */
export async function deleteTenant(db: Db, actor: Actor, input: { tenantId: string; confirmSlug: string }) {
  return systemTx(db, async (tx) => {
    const t = await tx.tenant.findUnique({ where: { id: input.tenantId } });
    if (!t) throw notFound("tenant");
    if (t.slug !== input.confirmSlug) {
      throw new DomainError("BAD_REQUEST", "confirmSlug: type the tenant's slug to confirm the deletion.");
    }
    const keys = await tx.tenantDataKey.deleteMany({ where: { tenantId: t.id } });
    await appendAudit(tx, {
      tenantId: t.id,
      actor,
      action: "tenant.delete",
      target: t.id,
      metadata: { slug: t.slug, dataKeysDestroyed: keys.count },
    });
    await tx.tenant.delete({ where: { id: t.id } });
    await addJob(tx, "purge-tenant", { tenantId: t.id }, { jobKey: `purge-tenant:${t.id}`, maxAttempts: 25 });
    return { tenantId: t.id, dataKeysDestroyed: keys.count };
  });
}
