import { z } from "zod";
import type { Tx } from "./db/client";
import { sqlOf, type Sql } from "./db/sql";
import { laneOf, TENANT_JOBS, type TenantJobName } from "./job-lanes";

/** Every background task: its name and the payload its handler parses first. */
export const JOBS = {
  ingest: z.object({ datasetVersionId: z.string().min(1) }),
  /** `fingerprint`: the dataset versions the cache key was made from; a run that sees others is not cached. */
  query: z.object({ queryRunId: z.string().min(1), fingerprint: z.string().optional() }),
  "query-page": z.object({ pageId: z.string().min(1) }),
  "query-export": z.object({ exportId: z.string().min(1) }),
  /** Cron (see the worker's crontab): graphile-worker adds `_cron` to the payload. */
  "expire-uploads": z.looseObject({}),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;

interface JobOpts {
  jobKey?: string;
  maxAttempts?: number;
  priority?: number;
}
/** A tenant's job names its tenant: it runs in that tenant's lanes (job-lanes.ts), never first-come. */
type AddJobOpts<N extends JobName> = N extends TenantJobName ? JobOpts & { tenantId: string } : JobOpts;

/**
 * Enqueues a graphile-worker job inside the caller's transaction, so the row a
 * job acts on and the job itself commit together or not at all. The job key
 * makes a retried request enqueue nothing new.
 */
export async function addJob<N extends JobName>(
  tx: Tx | Sql,
  name: N,
  payload: JobPayload<N>,
  opts: AddJobOpts<N>,
): Promise<void> {
  const parsed = JOBS[name].parse(payload);
  const common = [name, JSON.stringify(parsed), opts.jobKey ?? null, opts.maxAttempts ?? 3, opts.priority ?? 0];
  const tenantId = (opts as { tenantId?: string }).tenantId;
  if (TENANT_JOBS.has(name)) {
    if (!tenantId) throw new Error(`job ${name} needs its tenant`);
    // si_add_tenant_job picks the tenant's least loaded lane (see prisma/migrate.ts, installJobLanes).
    await sqlOf(tx).query(
      `SELECT si_add_tenant_job($1::text, $2::json, $3::text, $4::int, $5::int, $6::text, $7::text) AS lane`,
      [...common, tenantId, laneOf(name as TenantJobName)],
    );
    return;
  }
  // si_add_job wraps graphile_worker.add_job with definer rights (see prisma/migrate.ts).
  await sqlOf(tx).query(`SELECT 1 AS ok FROM si_add_job($1::text, $2::json, $3::text, $4::int, $5::int)`, common);
}

/** Channel the worker NOTIFYs when a query run, result page or export finishes (payload: its id). */
export const QUERY_DONE_CHANNEL = "scrollintel_query_done";

/** Channel the web NOTIFYs when a user cancels a running query (payload: the run id). */
export const QUERY_CANCEL_CHANNEL = "scrollintel_query_cancel";
