import type { Tx } from "./db/client";
import { sqlOf, type Sql } from "./db/sql";

/**
 * Fair share between tenants. Every job of a tenant runs in one of that
 * tenant's graphile-worker named queues ("lanes"), and graphile-worker runs
 * one job of a queue at a time, in every worker process on the queue: a
 * tenant with TenantQuota.workerSlots = k holds at most k work slots, and
 * while its lanes are busy its other jobs are skipped, so free slots go to
 * other tenants' jobs. The database enforces it, so it holds however many
 * workers share the queue, with no coordinator to keep alive.
 *
 * - Work lanes `t:<tenantId>:<0..k-1>`: ingest, inspect-upload, query, query-export (each can
 *   run for minutes). A new job joins the lane with the fewest waiting or
 *   running jobs, counted in the enqueuing transaction.
 * - Page lane `t:<tenantId>:page`: query-page only. A page reads one slice of
 *   a stored result (bounded by the page size) and the grid waits for it; in
 *   a work lane it would sit behind the tenant's own long query. So a tenant
 *   may briefly hold k + 1 slots, the extra one only for short page reads.
 *   Exports stay in the work lanes: they read the whole result.
 */
export const TENANT_JOBS: ReadonlySet<string> = new Set([
  "ingest",
  "inspect-upload",
  "query",
  "query-page",
  "query-export",
]);
export type TenantJobName = "ingest" | "inspect-upload" | "query" | "query-page" | "query-export";

/** Which of its tenant's lanes a job runs in. */
export function laneOf(name: TenantJobName): "work" | "page" {
  return name === "query-page" ? "page" : "work";
}

/** Job keys of the tenant jobs whose place in line is shown. */
export const jobKeys = {
  query: (queryRunId: string) => `query:${queryRunId}`,
  ingest: (datasetVersionId: string) => `ingest:${datasetVersionId}`,
};

/**
 * Place in its lane of each waiting job (1 = next), 0 for a running one;
 * keys without a live job in the caller's tenant's lanes are absent. Runs in a
 * tenant transaction: the definer function shows only that tenant's lanes.
 */
export async function readLanePositions(tx: Tx | Sql, keys: string[]): Promise<Map<string, number>> {
  if (!keys.length) return new Map();
  const rows = await sqlOf(tx).query<{ job_key: string; pos: number }>(
    `SELECT job_key, pos FROM si_job_lane_positions($1::text[])`,
    [keys],
  );
  return new Map(rows.map((r) => [r.job_key, Number(r.pos)]));
}

/** Takes a job that has not started out of its lane (the caller's tenant's only); a running one is left alone. */
export async function removeWaitingJob(tx: Tx | Sql, key: string): Promise<void> {
  await sqlOf(tx).query(`SELECT 1 AS ok FROM si_remove_waiting_job($1::text)`, [key]);
}
