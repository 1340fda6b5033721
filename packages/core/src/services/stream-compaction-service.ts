import type { Db } from "../db/client";
import { getPoolOf, sqlSystemTx, type Sql } from "../db/sql";
import type { StreamColumn } from "../stream/stream-sql";
import { lockStreamTarget } from "./stream-trash";

/**
 * Runs `fn` while holding the dataset's compaction lock (a session advisory
 * lock, gone with the connection if the process dies); false, without running
 * it, when another compactor holds it. A batch that arrives while a job runs
 * adds a second job under the same key, and two compactors of the same
 * segments only make one of them lose its work.
 */
export async function withCompactionLock(db: Db, datasetId: string, fn: () => Promise<void>): Promise<boolean> {
  const c = await getPoolOf(db).connect();
  let broken = false;
  try {
    const [r] = (
      await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 13)) AS ok`, [
        `stream-compact:${datasetId}`,
      ])
    ).rows;
    if (!r?.ok) return false;
    try {
      await fn();
    } finally {
      await c
        .query(`SELECT pg_advisory_unlock(hashtextextended($1, 13))`, [`stream-compact:${datasetId}`])
        .catch(() => {
          broken = true; // the lock goes with the connection
        });
    }
    return true;
  } finally {
    c.release(broken);
  }
}

export interface PendingSegment {
  id: string;
  seq: bigint;
  key: string;
  format: string;
  bytes: bigint;
  records: number;
  createdAt: Date;
}

export interface CompactionBatch {
  tenantId: string;
  datasetId: string;
  versionId: string;
  columns: StreamColumn[];
  /** The column the part's rows are sorted by (Dataset.eventTimeColumn), or null for arrival order. */
  eventTime: string | null;
  segments: PendingSegment[];
  /** More pending segments than this batch took. */
  more: boolean;
}

/**
 * The oldest pending segments of a streaming dataset, up to `maxBytes`
 * (at least one), or null when nothing waits.
 */
export async function findCompactionBatch(
  db: Db,
  datasetId: string,
  maxBytes: number,
): Promise<CompactionBatch | null> {
  return sqlSystemTx(db, async (sql) => {
    const [v] = await sql.query<{ tenantId: string; versionId: string; columns: unknown; eventTime: string | null }>(
      `SELECT d."tenantId", v.id AS "versionId", v.columns, d."eventTimeColumn" AS "eventTime"
         FROM "Dataset" d JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = 1
        WHERE d.id = $1 AND d.streaming AND d."trashedAt" IS NULL`,
      [datasetId],
    );
    if (!v) return null;
    const rows = await sql.query<PendingSegment & { total: bigint }>(
      `SELECT id, seq, key, format, bytes, records, "createdAt",
              sum(bytes) OVER (ORDER BY seq)::bigint AS total
         FROM "StreamSegment" WHERE "datasetId" = $1 AND status = 'PENDING' ORDER BY seq LIMIT 5000`,
      [datasetId],
    );
    if (!rows.length) return null;
    const take = rows.filter((r, i) => i === 0 || r.total <= BigInt(maxBytes));
    return {
      tenantId: v.tenantId,
      datasetId,
      versionId: v.versionId,
      columns: v.columns as StreamColumn[],
      eventTime: v.eventTime,
      segments: take.map(({ total: _t, ...s }) => s),
      more: take.length < rows.length,
    };
  });
}

export interface CompactedPart {
  /** Null when no record of the batch fit (every one a reject). */
  partKey: string | null;
  partBytes: bigint;
  rows: bigint;
  columns: StreamColumn[];
  /** Per segment: how many of its records were rejected. */
  rejectsBySegment: Map<string, number>;
  /** The first rejects, kept for people to read (all are counted). */
  rejectExamples: Array<{ segmentId: string; record: number; reason: string; raw: string | null }>;
}

/**
 * Makes a part visible in one transaction: the segments turn COMPACTED (only
 * if still PENDING: a second compactor of the same segments loses), the
 * version gains the part, its columns and counts, storage moves from the
 * segments to the part, and the rejects are written. False when it lost (or
 * its dataset went to the trash meanwhile: see requireLiveStream).
 */
export async function commitCompaction(db: Db, batch: CompactionBatch, part: CompactedPart): Promise<boolean> {
  return sqlSystemTx(db, async (sql) => {
    await requireLiveStream(sql, batch.datasetId);
    await sql.query(`SELECT 1 AS ok FROM "DatasetVersion" WHERE id = $1 FOR UPDATE`, [batch.versionId]);
    const ids = batch.segments.map((s) => s.id);
    const rejects = ids.map((id) => part.rejectsBySegment.get(id) ?? 0);
    const done = await sql.query<{ id: string }>(
      `UPDATE "StreamSegment" s SET status = 'COMPACTED', "compactedAt" = now() AT TIME ZONE 'UTC', "partKey" = $2, rejects = r.n
         FROM unnest($1::text[], $3::int[]) AS r(id, n)
        WHERE s.id = r.id AND s.status = 'PENDING' RETURNING s.id`,
      [ids, part.partKey, rejects],
    );
    if (done.length !== ids.length) throw new CompactionLost();
    const segBytes = batch.segments.reduce((n, s) => n + s.bytes, 0n);
    const rejected = rejects.reduce((n, r) => n + r, 0);
    const [after] = await sql.query<{ rowCount: bigint }>(
      `UPDATE "DatasetVersion"
          SET files = CASE WHEN $2::text IS NULL THEN files ELSE files || jsonb_build_array($2::text) END,
              columns = $3::jsonb, "rowCount" = "rowCount" + $4::bigint, "ingestedRows" = "ingestedRows" + $4::bigint,
              "rejectedRows" = "rejectedRows" + $5::bigint, "storedBytes" = "storedBytes" + $6::bigint,
              "sourceBytes" = "sourceBytes" + $7::bigint
        WHERE id = $1 RETURNING "rowCount"`,
      [batch.versionId, part.partKey, JSON.stringify(part.columns), part.rows, rejected, part.partBytes, segBytes],
    );
    await sql.query(`UPDATE "StreamSegment" SET "visibleAtRows" = $2 WHERE id = ANY($1::text[]) RETURNING 1 AS ok`, [
      ids,
      after!.rowCount,
    ]);
    // The segments' bytes become the part's: acknowledged data is stored even past the limit
    // (the limit refused new batches before they were written).
    await sql.query(
      `UPDATE "TenantQuota" SET "storageBytesUsed" = GREATEST("storageBytesUsed" - $2::bigint + $3::bigint, 0), "updatedAt" = now()
        WHERE "tenantId" = $1 RETURNING 1 AS ok`,
      [batch.tenantId, segBytes, part.partBytes],
    );
    const ex = part.rejectExamples;
    if (ex.length) {
      await sql.query(
        `INSERT INTO "StreamReject" ("tenantId", "datasetId", "segmentId", record, reason, raw)
         SELECT $1, $2, r.seg, r.rec, r.reason, r.raw FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) AS r(seg, rec, reason, raw)
         RETURNING 1 AS ok`,
        [
          batch.tenantId,
          batch.datasetId,
          ex.map((e) => e.segmentId),
          ex.map((e) => e.record),
          ex.map((e) => e.reason),
          ex.map((e) => e.raw),
        ],
      );
    }
    return true;
  }).catch(falseIfLost);
}

class CompactionLost extends Error {}

function falseIfLost(e: unknown): false {
  if (e instanceof CompactionLost) return false;
  throw e;
}

/**
 * First in a compaction's or a merge's commit: the dataset must still be live
 * (lockStreamTarget, key-share). So a purge deletes exactly the objects its
 * tombstone listed and gives back exactly their bytes: a compaction or merge
 * that ends after the delete loses, its part is removed, and its segments
 * stay pending (and counted) for a restore.
 */
async function requireLiveStream(sql: Sql, datasetId: string): Promise<void> {
  const d = await lockStreamTarget(sql, datasetId, "KEY SHARE");
  if (!d || d.trashedAt) throw new CompactionLost();
}

/** Segment objects compacted more than `graceMs` ago (queries in flight may still read younger ones). */
export async function findCompactedSegmentObjects(
  db: Db,
  datasetId: string,
  graceMs: number,
): Promise<{ id: string; key: string }[]> {
  return sqlSystemTx(db, (sql) =>
    sql.query<{ id: string; key: string }>(
      `SELECT id, key FROM "StreamSegment"
        WHERE "datasetId" = $1 AND status = 'COMPACTED' AND "objectDeletedAt" IS NULL
          AND "compactedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => $2::float8 / 1000) LIMIT 1000`,
      [datasetId, graceMs],
    ),
  );
}

export async function markSegmentObjectsDeleted(db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await sqlSystemTx(db, (sql) =>
    sql.query(
      `UPDATE "StreamSegment" SET "objectDeletedAt" = now() AT TIME ZONE 'UTC' WHERE id = ANY($1::text[]) RETURNING 1 AS ok`,
      [ids],
    ),
  );
}

/**
 * The segments a query must read besides the parts of its snapshot of the
 * version (which had `snapshotRows` rows): pending ones, and ones whose
 * compaction committed after the snapshot, so a compaction in between loses
 * no rows and a merge of parts (which keeps rowCount) doubles none.
 */
export async function findUncompactedSegments(
  db: Db,
  datasetId: string,
  snapshotRows: bigint,
): Promise<{ id: string; key: string; format: string }[]> {
  return sqlSystemTx(db, (sql) =>
    sql.query<{ id: string; key: string; format: string }>(
      `SELECT id, key, format FROM "StreamSegment"
        WHERE "datasetId" = $1 AND "objectDeletedAt" IS NULL
          AND (status = 'PENDING' OR "visibleAtRows" > $2::bigint)
        ORDER BY seq`,
      [datasetId, snapshotRows.toString()],
    ),
  );
}

/** The parts of a stream's version 1, in order (null when the dataset is gone or not streaming). */
export async function findStreamParts(db: Db, datasetId: string) {
  const [v] = await sqlSystemTx(db, (sql) =>
    sql.query<{ tenantId: string; versionId: string; files: unknown; eventTime: string | null }>(
      `SELECT d."tenantId", v.id AS "versionId", v.files, d."eventTimeColumn" AS "eventTime"
         FROM "Dataset" d JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = 1
        WHERE d.id = $1 AND d.streaming`,
      [datasetId],
    ),
  );
  return v
    ? { tenantId: v.tenantId, versionId: v.versionId, files: v.files as string[], eventTime: v.eventTime }
    : null;
}

/**
 * Swaps merged parts for their merge in one transaction, where they were in the
 * list; false when the list changed under it (another merge won) or the
 * dataset went to the trash. The old objects stay for queries in flight
 * until the orphan sweep's grace passes.
 */
export async function commitMerge(
  db: Db,
  m: {
    tenantId: string;
    datasetId: string;
    versionId: string;
    oldKeys: string[];
    oldBytes: bigint;
    newKey: string;
    newBytes: bigint;
  },
): Promise<boolean> {
  return sqlSystemTx(db, async (sql) => {
    await requireLiveStream(sql, m.datasetId);
    const [v] = await sql.query<{ files: unknown }>(`SELECT files FROM "DatasetVersion" WHERE id = $1 FOR UPDATE`, [
      m.versionId,
    ]);
    const files = (v?.files as string[] | undefined) ?? [];
    if (!m.oldKeys.every((k) => files.includes(k))) return false;
    const at = files.indexOf(m.oldKeys[0]!);
    const kept = files.filter((f) => !m.oldKeys.includes(f));
    kept.splice(Math.min(at, kept.length), 0, m.newKey);
    await sql.query(
      `UPDATE "DatasetVersion" SET files = $2::jsonb, "storedBytes" = GREATEST("storedBytes" - $3::bigint + $4::bigint, 0)
        WHERE id = $1 RETURNING 1 AS ok`,
      [m.versionId, JSON.stringify(kept), m.oldBytes, m.newBytes],
    );
    await sql.query(
      `UPDATE "TenantQuota" SET "storageBytesUsed" = GREATEST("storageBytesUsed" - $2::bigint + $3::bigint, 0), "updatedAt" = now()
        WHERE "tenantId" = $1 RETURNING 1 AS ok`,
      [m.tenantId, m.oldBytes, m.newBytes],
    );
    return true;
  }).catch(falseIfLost);
}
