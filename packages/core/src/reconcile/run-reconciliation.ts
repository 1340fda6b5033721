import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import type { Logger } from "../logger";
import type { StorageDriver } from "../storage/storage-driver";
import { finishReport, startReport, type TenantFinding } from "./reconcile-report";
import { reconcileTenant } from "./reconcile-tenant";

/**
 * Reconciles every tenant into one report. A tenant that fails is recorded
 * with its error and the run goes on to the next; running twice at once is
 * harmless (counters are computed under the quota row lock, deletes are
 * idempotent).
 */
export async function runReconciliation(opts: {
  db: Db;
  storage: StorageDriver;
  graceMs: number;
  reportId?: string;
  log: Logger;
  now?: Date;
}): Promise<{ reportId: string; tenants: TenantFinding[] }> {
  const reportId = await startReport(opts.db, opts.reportId);
  const tenants = await systemTx(opts.db, (tx) =>
    tx.tenant.findMany({ select: { id: true, slug: true }, orderBy: { createdAt: "asc" } }),
  );
  const out: TenantFinding[] = [];
  for (const tenant of tenants) {
    try {
      out.push(await reconcileTenant({ ...opts, tenant, reportId }));
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      opts.log.warn({ tenantId: tenant.id, err: error }, "reconciliation of a tenant failed");
      out.push(failed(tenant, error));
    }
  }
  const errors = out.filter((f) => f.error).length;
  await finishReport(opts.db, reportId, out, errors ? `${errors} tenant(s) could not be reconciled` : null);
  return { reportId, tenants: out };
}

function failed(tenant: { id: string; slug: string }, error: string): TenantFinding {
  const zero = { before: "0", after: "0" };
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    objects: 0,
    bytes: "0",
    used: zero,
    reserved: zero,
    orphansRemoved: { count: 0, bytes: "0", keys: [] },
    orphansKept: 0,
    uploadsAborted: 0,
    missing: [],
    skipped: "failed",
    error,
  };
}
