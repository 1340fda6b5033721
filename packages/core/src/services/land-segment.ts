import type { Sql } from "../db/sql";
import { addJob } from "../jobs";
import { countStreamRate } from "../stream/stream-pressure";
import { lockStreamTarget, requireLiveStreamTarget } from "./stream-trash";
import { settleStoredBytes } from "./stored-bytes";
import { meterUsage } from "./usage-service";

export function compactJobKey(datasetId: string): string {
  return `stream-compact:${datasetId}`;
}

export interface LandedSegment {
  segmentId: string;
  tenantId: string;
  datasetId: string;
  key: string;
  format: string;
  bytes: number;
  records: number;
  /** Bytes after decoding (gzip, zstd): what the plan's byte rate counts. */
  decodedBytes: number;
  idempotencyKey: string | null;
  /** Storage held for the body before it was written, and what the refusal calls it. */
  reserved: bigint;
  what: string;
}

/**
 * The commit every writer of stream segments makes (an events batch, a
 * connector's messages), inside its transaction. The dataset's row is locked
 * first, so writers and a delete of the same dataset lock in one order (the
 * dataset, then the writer's own row, then the quota row) and queue instead
 * of deadlocking. Then `claim` (a connector moving its position: "unclaimed",
 * nothing done, when another consumer, an edit or a pause came first); the
 * dataset must be live (a dataset trashed while the body was stored refuses
 * it whole, rolled back); the segment row ("duplicate", nothing else done,
 * when its idempotency key already landed); its bytes from held to used,
 * usage, the plan's rate window, the last event time, and the compaction
 * job: a compaction already due later keeps its time (each batch re-running
 * the job only to reschedule it cost the worker a job per batch).
 */
export async function landSegment(
  sql: Sql,
  s: LandedSegment,
  claim: () => Promise<boolean> = async () => true,
): Promise<"landed" | "duplicate" | "unclaimed"> {
  const target = await lockStreamTarget(sql, s.datasetId);
  if (!(await claim())) return "unclaimed";
  requireLiveStreamTarget(target);
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO "StreamSegment" (id, "tenantId", "datasetId", key, format, bytes, records, "idempotencyKey", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() AT TIME ZONE 'UTC')
     ON CONFLICT ("datasetId", "idempotencyKey") DO NOTHING RETURNING id`,
    [s.segmentId, s.tenantId, s.datasetId, s.key, s.format, s.bytes, s.records, s.idempotencyKey],
  );
  if (!rows.length) return "duplicate";
  await settleStoredBytes(sql, s.tenantId, { reserved: s.reserved, actual: BigInt(s.bytes), what: s.what });
  await meterUsage(sql, s.tenantId, [
    { kind: "INGEST_BYTES", amount: BigInt(s.bytes), ref: s.datasetId },
    { kind: "INGEST_ROWS", amount: BigInt(s.records), ref: s.datasetId },
  ]);
  await countStreamRate(sql, { tenantId: s.tenantId, records: s.records, bytes: s.decodedBytes });
  await sql.query(`UPDATE "Dataset" SET "lastEventAt" = now() AT TIME ZONE 'UTC' WHERE id = $1 RETURNING 1 AS ok`, [
    s.datasetId,
  ]);
  await addJob(
    sql,
    "stream-compact",
    { datasetId: s.datasetId },
    { jobKey: compactJobKey(s.datasetId), maxAttempts: 25, jobKeyMode: "preserve_run_at" },
  );
  return "landed";
}
