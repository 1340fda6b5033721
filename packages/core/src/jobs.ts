import { z } from "zod";
import type { Tx } from "./db/client";
import { sqlOf, type Sql } from "./db/sql";
import { currentLogFields } from "./log-context";
import { injectTraceContext } from "./tracing";
import { laneOf, TENANT_JOBS, type TenantJobName } from "./job-lanes";

/** Every background task: its name and the payload its handler parses first. */
export const JOBS = {
  ingest: z.object({ datasetVersionId: z.string().min(1) }),
  /** Before an ingest: the file's SHA-256 (duplicates) and its first rows (the preview). */
  "inspect-upload": z.object({ datasetVersionId: z.string().min(1) }),
  /** `fingerprint`: the dataset versions the cache key was made from; a run that sees others is not cached. */
  query: z.object({ queryRunId: z.string().min(1), fingerprint: z.string().optional() }),
  "query-page": z.object({ pageId: z.string().min(1) }),
  "query-export": z.object({ exportId: z.string().min(1) }),
  /** Removes the Parquet parts of a version discarded after review, and releases their storage. */
  "discard-version": z.object({ datasetVersionId: z.string().min(1) }),
  /** Folds a streaming dataset's pending segments into a Parquet part (job key per dataset). */
  "stream-compact": z.object({ datasetId: z.string().min(1) }),
  /** Consumes a connected source (a NATS JetStream stream) into its streaming dataset for a while, then requeues. */
  "stream-connector": z.object({ connectorId: z.string().min(1) }),
  /** Cron (see the worker's crontab): graphile-worker adds `_cron` to the payload. */
  "expire-uploads": z.looseObject({}),
  /** Cron: moves datasets unqueried for the tenant's archiveAfterDays to the cold tier. */
  "archive-datasets": z.looseObject({}),
  /** The Restore action on an archived dataset (core/tiering/restore-service). */
  "restore-dataset": z.object({ datasetId: z.string().min(1) }),
  /** Cron, or on demand from the operator console with the report row it fills. */
  "reconcile-storage": z.looseObject({ reportId: z.string().min(1).optional() }),
  /** Cron: stored results and exports past their tenant's retention. */
  "expire-results": z.looseObject({}),
  /** Cron: purges trash items past their tenant's trashDays, and resumes sweeps a crash left half done. */
  "trash-sweep": z.looseObject({}),
  /** Cron: old versions past the tenant's keepVersions / versionDays go to the trash. */
  "version-retention": z.looseObject({}),
  /** After a tenant was deleted (its keys destroyed): removes its ciphertext and cached copies. */
  "purge-tenant": z.object({ tenantId: z.string().min(1) }),
  /** A data key rotation: makes the new version, re-seals the tenant's objects under it, retires the old ones. */
  "reencrypt-tenant": z.object({ rotationId: z.string().min(1) }),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;

interface JobOpts {
  jobKey?: string;
  maxAttempts?: number;
  priority?: number;
  /** A job already waiting under the key keeps its run_at (graphile-worker's job_key_mode); default "replace". */
  jobKeyMode?: "replace" | "preserve_run_at";
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
  const common = [
    name,
    JSON.stringify({ ...parsed, ...carriedContext() }),
    opts.jobKey ?? null,
    opts.maxAttempts ?? 3,
    opts.priority ?? 0,
  ];
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
  if (opts.jobKeyMode && opts.jobKeyMode !== "replace") {
    await sqlOf(tx).query(`SELECT 1 AS ok FROM si_add_job($1::text, $2::json, $3::text, $4::int, $5::int, $6::text)`, [
      ...common,
      opts.jobKeyMode,
    ]);
    return;
  }
  await sqlOf(tx).query(`SELECT 1 AS ok FROM si_add_job($1::text, $2::json, $3::text, $4::int, $5::int)`, common);
}

/**
 * What a job row carries of the request that added it: its trace context
 * (the worker's span continues the trace) and its request id (for logs).
 * Handlers' zod schemas drop these keys; the worker reads them first.
 */
export const ZJobOrigin = z.object({
  _trace: z.record(z.string(), z.string()).optional(),
  _requestId: z.string().max(100).optional(),
});
export type JobOrigin = z.infer<typeof ZJobOrigin>;

function carriedContext(): JobOrigin {
  const out: JobOrigin = {};
  const trace = injectTraceContext();
  if (trace) out._trace = trace;
  const requestId = currentLogFields()?.requestId;
  if (requestId) out._requestId = requestId;
  return out;
}

/** Channel the worker NOTIFYs when a query run, result page or export finishes (payload: its id). */
export const QUERY_DONE_CHANNEL = "scrollintel_query_done";

/** Channel the web NOTIFYs when a user cancels a running query (payload: the run id). */
export const QUERY_CANCEL_CHANNEL = "scrollintel_query_cancel";
