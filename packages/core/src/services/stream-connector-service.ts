import { Readable } from "node:stream";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { sqlSystemTx, sqlTenantTx } from "../db/sql";
import { newId, streamSegmentKey } from "../keys";
import { landSegment } from "./land-segment";
import type { StorageDriver } from "../storage/storage-driver";
import { decryptSecret } from "../stream/connector-secrets";
import type { NatsConnectorConfig, NatsCredentials, SourceBatch } from "../stream/source-connector";
import { writeSegment } from "../stream/write-segment";
import { releaseReservedBytes, reserveStoredBytes } from "./stored-bytes";

export function connectorJobKey(connectorId: string): string {
  return `stream-connector:${connectorId}`;
}

export interface LoadedConnector {
  id: string;
  tenantId: string;
  datasetId: string;
  status: string;
  position: bigint;
  config: NatsConnectorConfig;
  credentials: NatsCredentials | null;
}

/** For the worker: the connector with its credentials decrypted, or null once deleted. */
export async function loadConnector(db: Db, config: Config, id: string): Promise<LoadedConnector | null> {
  const [c] = await sqlSystemTx(db, (sql) =>
    sql.query<{
      id: string;
      tenantId: string;
      datasetId: string;
      status: string;
      position: bigint;
      config: unknown;
      secret: string | null;
    }>(`SELECT id, "tenantId", "datasetId", status, position, config, secret FROM "StreamConnector" WHERE id = $1`, [
      id,
    ]),
  );
  if (!c) return null;
  const credentials = c.secret ? (JSON.parse(decryptSecret(c.secret, config)) as NatsCredentials) : null;
  return { ...c, config: c.config as NatsConnectorConfig, credentials };
}

export async function recordConnectorError(db: Db, id: string, error: string | null): Promise<void> {
  await sqlSystemTx(db, (sql) =>
    sql.query(
      `UPDATE "StreamConnector" SET "lastError" = $2, "updatedAt" = now() AT TIME ZONE 'UTC' WHERE id = $1 RETURNING 1 AS ok`,
      [id, error],
    ),
  );
}

/** Each message as one NDJSON line: pretty-printed JSON is re-serialized; anything else stays a line (a reject). */
function toNdjson(messages: Uint8Array[]): Buffer {
  const lines = messages.map((m) => {
    const text = Buffer.from(m).toString("utf8");
    try {
      return JSON.stringify(JSON.parse(text));
    } catch {
      return text.replace(/[\r\n]+/g, " ");
    }
  });
  return Buffer.from(lines.join("\n") + "\n");
}

/**
 * One pulled batch as a segment, exactly once: the segment row, its storage
 * and usage, the compaction job and the connector's new position commit
 * together, and only if the position is still the one the batch follows.
 */
export async function commitConnectorBatch(
  db: Db,
  storage: StorageDriver,
  c: LoadedConnector,
  batch: SourceBatch,
): Promise<boolean> {
  const body = toNdjson(batch.messages);
  const reserved = BigInt(body.length);
  await sqlTenantTx(db, c.tenantId, (sql) => reserveStoredBytes(sql, c.tenantId, reserved, "connector events"));
  const segmentId = newId();
  const key = streamSegmentKey(c.tenantId, c.datasetId, segmentId, "ndjson");
  const release = async () => {
    await storage.delete(key).catch(() => undefined);
    await sqlTenantTx(db, c.tenantId, (sql) => releaseReservedBytes(sql, c.tenantId, reserved));
  };
  let seg;
  try {
    seg = await writeSegment(storage, {
      key,
      body: Readable.from([body]),
      encoding: "identity",
      maxBytes: body.length,
      maxDecodedBytes: body.length,
    });
  } catch (e) {
    await release();
    throw e;
  }
  const written = seg;
  const ok = await commitBatchRow(db, c, batch, { segmentId, key, reserved, written }).catch(async (e: unknown) => {
    // A COMMIT whose answer was lost may have landed: only a segment that is not there is undone.
    const landed = await sqlSystemTx(db, (sql) =>
      sql.query(`SELECT 1 AS ok FROM "StreamSegment" WHERE id = $1`, [segmentId]),
    ).catch(() => [1]);
    if (!landed.length) await release().catch(() => undefined);
    throw e;
  });
  if (!ok) await release();
  else c.position = batch.last;
  return ok;
}

async function commitBatchRow(
  db: Db,
  c: LoadedConnector,
  batch: SourceBatch,
  s: {
    segmentId: string;
    key: string;
    reserved: bigint;
    written: { bytes: number; records: number; decodedBytes: number };
  },
): Promise<boolean> {
  const { segmentId, key, reserved, written } = s;
  return sqlTenantTx(db, c.tenantId, async (sql) => {
    // Only while still running, with the settings and target this batch was pulled under (an edit or a pause wins).
    const claim = async () => {
      const moved = await sql.query(
        `UPDATE "StreamConnector" SET position = $3, "lastError" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC',
                "lastMessageAt" = now() AT TIME ZONE 'UTC', "recordsConsumed" = "recordsConsumed" + $6, pending = $7
          WHERE id = $1 AND position = $2 AND status = 'ACTIVE' AND config = $4::jsonb AND "datasetId" = $5
          RETURNING 1 AS ok`,
        [
          c.id,
          c.position.toString(),
          batch.last.toString(),
          JSON.stringify(c.config),
          c.datasetId,
          written.records,
          batch.pending?.toString() ?? null,
        ],
      );
      return moved.length > 0;
    };
    // The messages' own key: they cannot land twice (the position moved with them); if they did, all of this rolls back.
    const landed = await landSegment(
      sql,
      {
        segmentId,
        tenantId: c.tenantId,
        datasetId: c.datasetId,
        key,
        format: "ndjson",
        bytes: written.bytes,
        records: written.records,
        decodedBytes: written.decodedBytes,
        idempotencyKey: `connector:${c.id}:${batch.first}-${batch.last}`,
        reserved,
        what: "connector events",
      },
      claim,
    );
    // Another consumer committed these messages first, or the settings changed.
    if (landed === "unclaimed") return false;
    if (landed === "duplicate")
      throw new Error(`messages ${batch.first}-${batch.last} of connector ${c.id} are stored already`);
    return true;
  });
}
