import { z } from "zod";
import type { Tx } from "./db/client";
import { sqlOf, type Sql } from "./db/sql";

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

/**
 * Enqueues a graphile-worker job inside the caller's transaction, so the row a
 * job acts on and the job itself commit together or not at all. The job key
 * makes a retried request enqueue nothing new.
 */
export async function addJob<N extends JobName>(
  tx: Tx | Sql,
  name: N,
  payload: JobPayload<N>,
  opts: { jobKey?: string; maxAttempts?: number; priority?: number } = {},
): Promise<void> {
  const parsed = JOBS[name].parse(payload);
  // si_add_job wraps graphile_worker.add_job with definer rights (see the usage_and_rls migration).
  await sqlOf(tx).query(`SELECT 1 AS ok FROM si_add_job($1::text, $2::json, $3::text, $4::int, $5::int)`, [
    name,
    JSON.stringify(parsed),
    opts.jobKey ?? null,
    opts.maxAttempts ?? 3,
    opts.priority ?? 0,
  ]);
}

/** Channel the worker NOTIFYs when a query run, result page or export finishes (payload: its id). */
export const QUERY_DONE_CHANNEL = "scrollintel_query_done";

/** Channel the web NOTIFYs when a user cancels a running query (payload: the run id). */
export const QUERY_CANCEL_CHANNEL = "scrollintel_query_cancel";
