import type { Db } from "../db/client";
import { sqlSystemTx, utc } from "../db/sql";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { failIngest } from "./ingest-service";
import { FAIL_RUNS_SQL } from "../lifecycle/query-run-lifecycle";
import { failInspection } from "./intake-service";

export const DEAD_WORKER_QUERY_ERROR =
  "The worker running this query stopped before it finished (it was restarted or lost its database). Run the query again.";
export const DEAD_WORKER_INGEST_ERROR =
  "Ingest did not finish: the worker running it stopped or lost its database on every attempt. Try the upload again.";

export const DEAD_WORKER_INSPECT_ERROR =
  "The preview and duplicate check did not finish: the worker running it stopped on every attempt. Try the upload again.";

export interface SettledWork {
  queryRuns: string[];
  ingests: { id: string; tenantId: string; datasetId: string; version: number }[];
}

interface GaveUpJob {
  id: string;
  task: string;
  target: string | null;
}

/**
 * Jobs graphile-worker will not run again (attempts used up, not locked)
 * whose row is still QUEUED or RUNNING/INGESTING: a query whose worker died
 * (query jobs have one attempt), an ingest whose last attempt died with its
 * worker or lost the database before it could write FAILED. Each such row
 * fails with a message saying so, and the job is removed, so nothing stays
 * "running" forever. Returns what was settled (the caller removes an
 * ingest's half-written objects).
 */
export async function settleOrphanedWork(db: Db): Promise<SettledWork> {
  const jobs = await db.$queryRaw<GaveUpJob[]>`
    SELECT j.id::text AS id, t.identifier AS task,
           CASE t.identifier WHEN 'query' THEN j.payload->>'queryRunId' ELSE j.payload->>'datasetVersionId' END AS target
      FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
     WHERE j.locked_by IS NULL AND j.attempts >= j.max_attempts AND t.identifier IN ('query', 'ingest', 'inspect-upload')`;
  if (!jobs.length) return { queryRuns: [], ingests: [] };
  const runIds = jobs.filter((j) => j.task === "query" && j.target).map((j) => j.target!);
  const versionIds = jobs.filter((j) => j.task === "ingest" && j.target).map((j) => j.target!);
  const queryRuns = await failQueryRuns(db, runIds);
  const ingests = await failIngests(db, versionIds);
  // The inspect step wrote nothing to storage: its version only needs to leave INSPECTING.
  for (const j of jobs.filter((x) => x.task === "inspect-upload" && x.target)) {
    await failInspection(db, j.target!, DEAD_WORKER_INSPECT_ERROR);
  }
  await db.$queryRaw`SELECT count(*)::int AS n FROM graphile_worker.complete_jobs(${jobs.map((j) => j.id)}::bigint[])`;
  return { queryRuns, ingests };
}

async function failQueryRuns(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return sqlSystemTx(db, async (sql) => {
    const rows = await sql.query<{ id: string }>(FAIL_RUNS_SQL, [
      ids,
      DEAD_WORKER_QUERY_ERROR,
      utc(new Date()),
      QUERY_DONE_CHANNEL,
    ]);
    return rows.map((r) => r.id);
  });
}

async function failIngests(db: Db, ids: string[]): Promise<SettledWork["ingests"]> {
  if (!ids.length) return [];
  const live = await sqlSystemTx(db, (sql) =>
    sql.query<SettledWork["ingests"][number]>(
      `SELECT id, "tenantId", "datasetId", version FROM "DatasetVersion"
        WHERE id = ANY($1::text[]) AND status IN ('QUEUED', 'INGESTING')`,
      [ids],
    ),
  );
  for (const v of live) await failIngest(db, v.id, DEAD_WORKER_INGEST_ERROR);
  return live;
}
