import type { Readable } from "node:stream";
import type { Db } from "../db/client";
import { sqlTenantTx, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { newId, streamSegmentKey } from "../keys";
import type { StorageDriver } from "../storage/storage-driver";
import { checkStreamPressure, type PressureLimits, type RateHeaders } from "../stream/stream-pressure";
import { ensureStreamingDataset } from "../stream/streaming-dataset";
import { landSegment } from "./land-segment";
import { ENCODING_EXT, writeSegment, type BodyEncoding } from "../stream/write-segment";
import { releaseReservedBytes, reserveStoredBytes } from "./stored-bytes";
import { requireVisibleDataset } from "./reader-access";
import type { TenantCtx } from "../tenant-context";

export interface EventBatchInput {
  tenantId: string;
  /** Who sent it (user id or api key id), recorded as the dataset's creator. */
  actor: string;
  /** The sender's context: a dataset its policy hides is NOT_FOUND to it, as every write by id is. */
  reader: TenantCtx;
  datasetName: string;
  body: Readable;
  encoding: BodyEncoding;
  idempotencyKey?: string;
  maxBytes: number;
  /** Content-Length when the client sent one: storage is held for that much, not the whole limit. */
  declaredBytes?: number;
  limits: PressureLimits;
}

export interface EventBatchResult {
  datasetId: string;
  segmentId: string;
  records: number;
  bytes: number;
  /** True when the Idempotency-Key was seen before: nothing new was stored. */
  duplicate: boolean;
  rate?: RateHeaders;
}

/** Decoded bodies may be larger than sent; past this ratio a body is a compression bomb, not events. */
const MAX_DECODE_RATIO = 20;

function checkIdempotencyKey(key: string | undefined): void {
  if (key === undefined) return;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new DomainError("BAD_REQUEST", "Idempotency-Key: 1 to 200 printable ASCII characters.");
  }
}

async function findAnswered(sql: Sql, datasetId: string, key: string): Promise<EventBatchResult | null> {
  const [s] = await sql.query<{ id: string; records: number; bytes: bigint }>(
    `SELECT id, records, bytes FROM "StreamSegment" WHERE "datasetId" = $1 AND "idempotencyKey" = $2`,
    [datasetId, key],
  );
  return s ? { datasetId, segmentId: s.id, records: s.records, bytes: Number(s.bytes), duplicate: true } : null;
}

/**
 * One POST /api/events batch, durable before it is acknowledged: the body is
 * streamed into a segment object (storage held for it first), then one
 * transaction commits the segment row, the stored bytes, the usage and the
 * compaction job. A retry with the same Idempotency-Key finds the first answer.
 */
export async function acceptEventBatch(
  db: Db,
  storage: StorageDriver,
  input: EventBatchInput,
): Promise<EventBatchResult> {
  checkIdempotencyKey(input.idempotencyKey);
  const { tenantId, idempotencyKey } = input;
  const declared = input.declaredBytes;
  // A body longer than it said is settled against what it is (settleStoredBytes holds the difference).
  const reserved = BigInt(declared && declared > 0 && declared < input.maxBytes ? declared : input.maxBytes);
  const pre = await sqlTenantTx(db, tenantId, async (sql) => {
    const ds = await ensureStreamingDataset(sql, { tenantId, name: input.datasetName, createdBy: input.actor });
    await requireVisibleDataset(sql, input.reader, { datasetId: ds.id, what: "dataset" });
    const answered = idempotencyKey ? await findAnswered(sql, ds.id, idempotencyKey) : null;
    if (answered) return { ds, answered };
    const rate = await checkStreamPressure(sql, { tenantId, datasetId: ds.id, limits: input.limits });
    await reserveStoredBytes(sql, tenantId, reserved, "this batch of events");
    return { ds, rate, answered: null };
  });
  if (pre.answered) {
    input.body.destroy();
    return pre.answered;
  }
  const datasetId = pre.ds.id;
  const segmentId = newId();
  const ext = (fmt: string) => `${fmt === "array" ? "json" : "ndjson"}${ENCODING_EXT[input.encoding]}`;
  // The shape is known only once the body is read: write under ndjson's key, name arrays in the row.
  const key = streamSegmentKey(tenantId, datasetId, segmentId, ext("ndjson"));
  let seg;
  try {
    seg = await writeSegment(storage, {
      key,
      body: input.body,
      encoding: input.encoding,
      maxBytes: input.maxBytes,
      maxDecodedBytes: input.maxBytes * MAX_DECODE_RATIO,
    });
  } catch (e) {
    // Nothing was acknowledged: the object (if any) and the held storage go back.
    await cleanUp(db, storage, tenantId, reserved, key).catch(() => undefined);
    throw e;
  }
  const written = seg;
  let committed: EventBatchResult | null;
  try {
    committed = await sqlTenantTx(db, tenantId, async (sql) => {
      const landed = await landSegment(sql, {
        segmentId,
        tenantId,
        datasetId,
        key,
        format: written.format,
        bytes: written.bytes,
        records: written.records,
        decodedBytes: written.decodedBytes,
        idempotencyKey: idempotencyKey ?? null,
        reserved,
        what: "this batch of events",
      });
      if (landed !== "landed") return null; // a concurrent retry with the same key committed first
      const result: EventBatchResult = {
        datasetId,
        segmentId,
        records: written.records,
        bytes: written.bytes,
        duplicate: false,
        rate: pre.rate,
      };
      return result;
    });
  } catch (e) {
    // A COMMIT whose answer was lost may still have landed: only a segment that is not there is undone.
    const landed = await sqlTenantTx(db, tenantId, (sql) =>
      sql.query(`SELECT 1 AS ok FROM "StreamSegment" WHERE id = $1`, [segmentId]),
    ).catch(() => [1]);
    if (!landed.length) await cleanUp(db, storage, tenantId, reserved, key).catch(() => undefined);
    throw e;
  }
  if (committed) return committed;
  await cleanUp(db, storage, tenantId, reserved, key);
  const answered = await sqlTenantTx(db, tenantId, (sql) => findAnswered(sql, datasetId, idempotencyKey!));
  if (!answered) throw new DomainError("CONFLICT", "Idempotency-Key: a concurrent batch with this key failed; retry.");
  return answered;
}

async function cleanUp(db: Db, storage: StorageDriver, tenantId: string, reserved: bigint, key: string) {
  await storage.delete(key).catch(() => undefined);
  await sqlTenantTx(db, tenantId, (sql) => releaseReservedBytes(sql, tenantId, reserved));
}
