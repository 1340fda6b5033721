import type { Sql } from "../db/sql";
import { addJob } from "../jobs";
import { countStreamRate } from "../stream/stream-pressure";
import { touchLiveStreamTarget } from "./stream-trash";
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
 * connector's messages), inside its transaction. The dataset first: still
 * live (a dataset trashed while the body was stored refuses it whole, rolled
 * back) and its last event time, in one statement that also holds its row,
 * so writers and a delete of the same dataset queue in one order (dataset,
 * then the quota row). Then the segment row (false, with nothing else done,
 * when its idempotency key already landed), its bytes from held to used,
 * usage, the plan's rate window, and the compaction job: a compaction already
 * due later keeps its time (each batch re-running the job only to reschedule
 * it cost the worker a job per batch).
 */
export async function landSegment(sql: Sql, s: LandedSegment): Promise<boolean> {
  await touchLiveStreamTarget(sql, s.datasetId);
  const rows = await sql.query<{ id: string }>(
    `INSERT INTO "StreamSegment" (id, "tenantId", "datasetId", key, format, bytes, records, "idempotencyKey", "createdAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() AT TIME ZONE 'UTC')
     ON CONFLICT ("datasetId", "idempotencyKey") DO NOTHING RETURNING id`,
    [s.segmentId, s.tenantId, s.datasetId, s.key, s.format, s.bytes, s.records, s.idempotencyKey],
  );
  if (!rows.length) return false;
  await settleStoredBytes(sql, s.tenantId, { reserved: s.reserved, actual: BigInt(s.bytes), what: s.what });
  await meterUsage(sql, s.tenantId, [
    { kind: "INGEST_BYTES", amount: BigInt(s.bytes), ref: s.datasetId },
    { kind: "INGEST_ROWS", amount: BigInt(s.records), ref: s.datasetId },
  ]);
  await countStreamRate(sql, { tenantId: s.tenantId, records: s.records, bytes: s.decodedBytes });
  await addJob(
    sql,
    "stream-compact",
    { datasetId: s.datasetId },
    { jobKey: compactJobKey(s.datasetId), maxAttempts: 25, jobKeyMode: "preserve_run_at" },
  );
  return true;
}
