import type { Tx } from "../db/client";
import type { Sql } from "../db/sql";
import { DomainError, notFound } from "../errors";
import { jobKeys, readLanePositions } from "../job-lanes";
import { parseResultColumns } from "../lifecycle/query-run-lifecycle";
import { assertResultReadable } from "./access-read";

type QueryRunRow = NonNullable<Awaited<ReturnType<Tx["queryRun"]["findFirst"]>>>;

/**
 * A run as callers see it: without internal keys, with `cached`, a cache hit's
 * preview rows, and while QUEUED its place in its tenant lane (1 = next).
 */
export function presentQueryRun(run: QueryRunRow, previewRows: unknown, queuePosition: number | null = null) {
  const { cacheKey: _key, resultKey: _obj, accessDigest: _access, ...rest } = run;
  return {
    ...rest,
    previewRows: previewRows as QueryRunRow["previewRows"],
    cached: run.cachedFromId !== null,
    queuePosition,
  };
}
export type QueryRunView = ReturnType<typeof presentQueryRun>;

/** Every column of "QueryRun", as a select list for plain SQL reading a whole run (`r` is its alias). */
export const QUERY_RUN_COLUMNS = `r.id, r."tenantId", r."userId", r.sql, r.status::text AS status, r.columns, r."previewRows",
  r."rowCount", r."durationMs", r."engineMs", r.error, r."createdAt", r."finishedAt", r."cacheKey", r."cachedFromId",
  r."resultKey", r."resultBytes", r."scanBytes", r."savedQueryId", r."accessDigest"`;

/**
 * One run of the tenant, or null; a cache hit reads its preview from the run it reuses (one round trip).
 * With `reader` (an actor id), a run computed under other access than the reader's is refused.
 */
export async function readQueryRun(
  sql: Sql,
  tenantId: string,
  id: string,
  reader: string | null = null,
): Promise<QueryRunView | null> {
  const [r] = await sql.query<QueryRunRow & { sourcePreview: unknown }>(
    `SELECT ${QUERY_RUN_COLUMNS}, src."previewRows" AS "sourcePreview"
       FROM "QueryRun" r
       LEFT JOIN "QueryRun" src ON src.id = r."cachedFromId" AND src."tenantId" = r."tenantId"
      WHERE r.id = $1 AND r."tenantId" = $2`,
    [id, tenantId],
  );
  if (!r) return null;
  if (reader !== null) await assertResultReadable(sql, tenantId, reader, r.accessDigest);
  const { sourcePreview, ...run } = r;
  // A second round trip only while the run waits (the grid polls a running query).
  const key = jobKeys.query(run.id);
  const queuePosition = run.status === "QUEUED" ? ((await readLanePositions(sql, [key])).get(key) ?? null) : null;
  return presentQueryRun(run, run.cachedFromId ? (sourcePreview ?? []) : run.previewRows, queuePosition || null);
}

/**
 * A SUCCEEDED run of the tenant and the run whose stored result it reads
 * (`ownerId`: itself, or the run a cache hit reuses); `doing` ends the refusal
 * for a run without a result ("read", "download").
 */
export async function resultOwner(tx: Tx, tenantId: string, id: string, doing: string, reader: string) {
  const run = await tx.queryRun.findFirst({
    where: { id, tenantId },
    select: {
      accessDigest: true,
      id: true,
      status: true,
      cachedFromId: true,
      columns: true,
      rowCount: true,
      resultKey: true,
      resultBytes: true,
    },
  });
  if (!run) throw notFound("query");
  await assertResultReadable(tx, tenantId, reader, run.accessDigest);
  return checkResultRun(run, doing);
}

/** A run's stored result, or why there is none to `doing` (removed by retention, not SUCCEEDED). */
export function checkResultRun<
  R extends {
    id: string;
    status: string;
    cachedFromId: string | null;
    resultKey: string | null;
    resultBytes: bigint | null;
    columns: unknown;
  },
>(run: R, doing: string) {
  if (run.status === "SUCCEEDED" && !run.resultKey && run.resultBytes !== null) {
    throw new DomainError(
      "BAD_REQUEST",
      "This result was removed under the workspace's retention policy; run the query again.",
    );
  }
  if (run.status !== "SUCCEEDED" || !run.resultKey) {
    throw new DomainError("BAD_REQUEST", `This query has no result to ${doing}.`);
  }
  return {
    ...run,
    ownerId: run.cachedFromId ?? run.id,
    resultKey: run.resultKey,
    columns: parseResultColumns(run.columns),
  };
}
