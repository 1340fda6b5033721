import { z } from "zod";
import type { Tx } from "../db/client";
import type { Sql } from "../db/sql";
import { LIVE_STATUSES, WORK_STATUS } from "./work-status";

/**
 * The query run's lifecycle: QUEUED -> RUNNING -> SUCCEEDED | FAILED |
 * CANCELLED. Every transition updates the QueryRun and its Job row (kind
 * "query") in one statement, and a settled run also settles the storage its
 * result held. The SQL is plain (db/sql.ts): these statements are on every
 * query's path.
 */
export const QUERY_JOB_KIND = "query";

/** QueryRun.columns: the result's columns as DuckDB names and types them. */
export const ZResultColumns = z.array(z.object({ name: z.string(), type: z.string() }));
export type ResultColumns = z.infer<typeof ZResultColumns>;

/** QueryRun.previewRows: the first rows, JSON-safe (BigInt as string). */
export const ZPreviewRows = z.array(z.record(z.string(), z.unknown()));

export function parseResultColumns(json: unknown): ResultColumns {
  return ZResultColumns.parse(json);
}

/**
 * QUEUED -> RUNNING (or RUNNING again for a retried job, $3): the run, its
 * job's start ($2) and the plan's limits, in one statement. No row: already
 * handled or cancelled.
 */
export const CLAIM_RUN_SQL = `WITH r AS (
   UPDATE "QueryRun" SET status = 'RUNNING'
    WHERE id = $1 AND (status = 'QUEUED' OR (status = 'RUNNING' AND $3::boolean))
   RETURNING id, "tenantId", "userId", sql, "cacheKey"),
 j AS (
   UPDATE "Job" SET status = 'RUNNING', "startedAt" = $2::timestamptz AT TIME ZONE 'UTC'
    WHERE "targetId" = $1 AND kind = 'query' AND EXISTS (SELECT 1 FROM r)
   RETURNING 1)
 SELECT r.*, q."queryMemoryLimitMb" AS mem, q."queryTimeoutMs" AS timeout, q."querySpillBytesLimit" AS spill,
        q."resultRowsLimit" AS rows, q."resultBytesLimit" AS bytes
   FROM r LEFT JOIN "TenantQuota" q ON q."tenantId" = r."tenantId"`;

/**
 * RUNNING -> the outcome ($5): the run, its job, the storage its result held
 * ($17 reserved; $12 bytes become usage when it succeeded) and the NOTIFY ($14),
 * in one statement. A run no longer RUNNING (cancelled meanwhile) keeps its
 * status and gets only the timings; its job then ends CANCELLED.
 */
export const FINISH_RUN_SQL = `WITH r AS (
   UPDATE "QueryRun" SET
     "durationMs" = $2::int, "scanBytes" = $3::bigint, "finishedAt" = $4::timestamptz AT TIME ZONE 'UTC',
     status = CASE WHEN status = 'RUNNING' THEN $5::"JobStatus" ELSE status END,
     error = CASE WHEN status = 'RUNNING' THEN $6 ELSE error END,
     columns = CASE WHEN status = 'RUNNING' AND $7 THEN $8::jsonb ELSE columns END,
     "previewRows" = CASE WHEN status = 'RUNNING' AND $7 THEN $9::jsonb ELSE "previewRows" END,
     "rowCount" = CASE WHEN status = 'RUNNING' AND $7 THEN $10::bigint ELSE "rowCount" END,
     "resultKey" = CASE WHEN status = 'RUNNING' AND $7 THEN $11 ELSE "resultKey" END,
     "resultBytes" = CASE WHEN status = 'RUNNING' AND $7 THEN $12::bigint ELSE "resultBytes" END,
     "engineMs" = CASE WHEN status = 'RUNNING' AND $7 THEN $15::int ELSE "engineMs" END,
     "cacheKey" = CASE WHEN status = 'RUNNING' AND $7 AND NOT $13 THEN NULL ELSE "cacheKey" END,
     "storageReservedBytes" = 0
    WHERE id = $1
   RETURNING status),
 j AS (
   UPDATE "Job" SET
     status = CASE WHEN (SELECT status FROM r) = $5::"JobStatus" THEN $5::"JobStatus" ELSE 'CANCELLED' END,
     "finishedAt" = $4::timestamptz AT TIME ZONE 'UTC', error = $6
    WHERE "targetId" = $1 AND kind = 'query'
   RETURNING 1),
 s AS (
   UPDATE "TenantQuota" SET
     "storageBytesReserved" = GREATEST("storageBytesReserved" - $17::bigint, 0),
     "storageBytesUsed" = "storageBytesUsed"
       + CASE WHEN $7 AND (SELECT status FROM r) = 'SUCCEEDED' THEN $12::bigint ELSE 0 END,
     "updatedAt" = now()
    WHERE "tenantId" = $16
   RETURNING 1)
 SELECT (SELECT status::text FROM r) AS status FROM pg_notify($14, $1)`;

/**
 * Fails the live runs among $1 with message $2 at $3, their jobs too, gives
 * back storage they held for a result, and NOTIFYs ($4) each; returns their ids.
 */
export const FAIL_RUNS_SQL = `WITH o AS (
   SELECT id, "tenantId", "storageReservedBytes" AS held FROM "QueryRun"
    WHERE id = ANY($1::text[]) AND status IN ('QUEUED', 'RUNNING') FOR UPDATE),
 r AS (
   UPDATE "QueryRun" SET status = 'FAILED', error = $2, "finishedAt" = $3::timestamptz AT TIME ZONE 'UTC',
          "storageReservedBytes" = 0
    WHERE id IN (SELECT id FROM o)
   RETURNING id),
 j AS (
   UPDATE "Job" SET status = 'FAILED', error = $2, "finishedAt" = $3::timestamptz AT TIME ZONE 'UTC'
    WHERE "targetId" IN (SELECT id FROM r) AND kind = 'query'
   RETURNING 1),
 s AS (
   UPDATE "TenantQuota" q SET "storageBytesReserved" = GREATEST(q."storageBytesReserved" - h.held, 0)
     FROM (SELECT "tenantId", sum(held)::bigint AS held FROM o GROUP BY 1) h
    WHERE q."tenantId" = h."tenantId" AND h.held > 0
   RETURNING 1)
 SELECT id FROM r, LATERAL pg_notify($4, r.id) AS n`;

/** QUEUED | RUNNING -> CANCELLED, the run and its job; returns whether it was live. */
export async function cancelQueryRunRow(tx: Tx, id: string, now: Date): Promise<boolean> {
  const n = await tx.queryRun.updateMany({
    where: { id, status: { in: [...LIVE_STATUSES] } },
    data: { status: WORK_STATUS.CANCELLED, error: "Cancelled.", finishedAt: now },
  });
  await tx.job.updateMany({
    where: { targetId: id, kind: QUERY_JOB_KIND, status: { in: [...LIVE_STATUSES] } },
    data: { status: WORK_STATUS.CANCELLED, finishedAt: now, error: "Cancelled." },
  });
  return n.count === 1;
}

/** The run's status, for a worker checking whether it was cancelled. */
export async function readRunStatus(sql: Sql, id: string): Promise<string | null> {
  const [r] = await sql.query<{ status: string }>(`SELECT status::text AS status FROM "QueryRun" WHERE id = $1`, [id]);
  return r?.status ?? null;
}
