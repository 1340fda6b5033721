import type { Db, Tx } from "../db/client";
import { sqlOf, sqlSystemTx, utc, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { namesInSql } from "./sql-names";
import { ARCHIVE_STATUS } from "../archive-status";

/** The answer to a query over a cold dataset: the words the issue promises, and what to do. */
export function archivedError(names: string[]): DomainError {
  const list = names.map((n) => `"${n}"`).join(", ");
  return new DomainError(
    "ARCHIVED",
    `Dataset ${list} ${names.length > 1 ? "are" : "is"} archived: restore to query (Restore on the dataset page).`,
    { datasets: names },
  );
}

/**
 * Refuses, before a run is queued, a query whose SQL names a dataset that is
 * archived or moving between tiers. One indexed read; the worker checks again
 * when it runs the query (a dataset may be archived in between).
 */
export async function assertQueryable(tx: Tx | Sql, tenantId: string, sqlText: string): Promise<void> {
  const cold = await sqlOf(tx).query<{ name: string }>(
    `SELECT name FROM "Dataset" WHERE "tenantId" = $1 AND "archiveStatus" <> 'WARM' AND "readyVersion" IS NOT NULL`,
    [tenantId],
  );
  if (!cold.length) return;
  const named = namesInSql(
    sqlText,
    cold.map((d) => d.name),
  );
  if (named.length) throw archivedError(named);
}

/**
 * Refuses a new version (append, re-read) of a dataset that is not WARM:
 * an append reads its base's parts, and a dataset's versions move between
 * tiers together.
 */
export async function assertWarm(tx: Tx, datasetId: string): Promise<void> {
  const d = await tx.dataset.findUnique({ where: { id: datasetId }, select: { name: true, archiveStatus: true } });
  if (d && d.archiveStatus !== ARCHIVE_STATUS.WARM) {
    throw new DomainError("ARCHIVED", `Dataset "${d.name}" is archived: restore it before adding a version.`);
  }
}

/**
 * Marks the versions a finished query read as queried now, at most once an
 * hour per version (one cheap UPDATE that mostly matches nothing): tiering
 * archives what stays unqueried for the tenant's archiveAfterDays.
 */
export async function touchQueriedVersions(
  db: Db,
  versions: { datasetId: string; version: number }[],
  now = new Date(),
): Promise<void> {
  if (!versions.length) return;
  await sqlSystemTx(db, (sql) =>
    sql.query(
      `UPDATE "DatasetVersion" v SET "lastQueriedAt" = $3::timestamptz AT TIME ZONE 'UTC'
         FROM (SELECT unnest($1::text[]) AS d, unnest($2::int[]) AS n) t
        WHERE v."datasetId" = t.d AND v.version = t.n
          AND (v."lastQueriedAt" IS NULL OR v."lastQueriedAt" < ($3::timestamptz AT TIME ZONE 'UTC') - interval '1 hour')`,
      [versions.map((v) => v.datasetId), versions.map((v) => v.version), utc(now)],
    ),
  );
}
