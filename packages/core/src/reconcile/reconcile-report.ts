import { z } from "zod";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { addJob } from "../jobs";
import { newId } from "../keys";

const ZBig = z.string().regex(/^-?\d+$/);
const ZCounter = z.object({ before: ZBig, after: ZBig });

/** What one tenant's reconciliation found and did; bigints as strings (JSON). */
export const ZTenantFinding = z.object({
  tenantId: z.string(),
  slug: z.string(),
  objects: z.number().int(),
  bytes: ZBig,
  used: ZCounter,
  reserved: ZCounter,
  orphansRemoved: z.object({ count: z.number().int(), bytes: ZBig, keys: z.array(z.string()) }),
  /** Unreferenced objects younger than the grace period: in-flight work, left alone. */
  orphansKept: z.number().int(),
  /** S3 multipart uploads no row names, started before the grace period: aborted (their parts are billed). */
  uploadsAborted: z.number().int().default(0),
  /** Referenced objects not in storage (shown, never "fixed" by deleting rows). */
  missing: z.array(z.string()),
  /** Why a counter was left as it was, or null. */
  skipped: z.string().nullable(),
  error: z.string().nullable().default(null),
});
export type TenantFinding = z.infer<typeof ZTenantFinding>;

export const TRIGGER = { schedule: "schedule", admin: "admin" } as const;

/** A report row for a run; the admin console's "Run now" queues the job with it, in one transaction. */
export async function requestReconciliation(db: Db, requestedBy: string): Promise<{ id: string }> {
  const id = newId();
  await systemTx(db, async (tx) => {
    await tx.reconciliationReport.create({ data: { id, trigger: TRIGGER.admin, requestedBy } });
    await addJob(tx, "reconcile-storage", { reportId: id }, { jobKey: `reconcile:${id}`, maxAttempts: 1 });
  });
  return { id };
}

/** The report a run fills: the one given (on demand) or a new one (schedule); RUNNING from now. */
export async function startReport(db: Db, reportId: string | undefined): Promise<string> {
  const id = reportId ?? newId();
  await systemTx(db, (tx) =>
    tx.reconciliationReport.upsert({
      where: { id },
      create: { id, trigger: TRIGGER.schedule, status: "RUNNING", startedAt: new Date() },
      update: { status: "RUNNING", startedAt: new Date() },
    }),
  );
  return id;
}

export async function finishReport(db: Db, id: string, tenants: TenantFinding[], error: string | null) {
  await systemTx(db, (tx) =>
    tx.reconciliationReport.update({
      where: { id },
      data: { status: error ? "FAILED" : "SUCCEEDED", tenants, error, finishedAt: new Date() },
    }),
  );
}

/** The newest report (any state), with its findings parsed; null before the first run. */
export async function getLastReconciliationReport(db: Db) {
  const r = await systemTx(db, (tx) => tx.reconciliationReport.findFirst({ orderBy: { createdAt: "desc" } }));
  if (!r) return null;
  return { ...r, tenants: z.array(ZTenantFinding).catch([]).parse(r.tenants) };
}
