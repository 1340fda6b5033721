import { z } from "zod";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { sqlTenantTx, type Sql } from "../db/sql";
import { DomainError, notFound } from "../errors";
import { addJob } from "../jobs";
import { newId } from "../keys";
import { encryptSecret } from "../stream/connector-secrets";
import type { NatsConnectorConfig } from "../stream/source-connector";
import { ensureStreamingDataset } from "../stream/streaming-dataset";
import { requireActive, requirePermission, type TenantCtx } from "../tenant-context";
import { appendAudit, auditFromCtx } from "./audit-service";
import { connectorJobKey } from "./stream-connector-service";

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ZSettings = z.object({
  datasetName: z.string().min(1).max(63),
  servers: z
    .array(
      z.string().regex(/^(nats|tls):\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, "must be nats://host:port or tls://host:port"),
    )
    .min(1, "at least one server")
    .max(8),
  stream: z.string().regex(NAME, "must be a JetStream stream name (letters, digits, _ and -)"),
  subject: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[^\s]+$/, "must be a subject without spaces")
    .optional(),
});
const ZCredentials = z
  .object({
    token: z.string().min(1).max(1000).optional(),
    user: z.string().max(200).optional(),
    pass: z.string().max(1000).optional(),
  })
  .refine((c) => !(c.token && (c.user || c.pass)), "a token, or a user and password, not both");

export const ZNatsConnectorInput = ZSettings.extend({ credentials: ZCredentials.optional() });
export type NatsConnectorInput = z.infer<typeof ZNatsConnectorInput>;

/** An edit: credentials absent keeps the stored ones, null removes them, an object replaces them. */
export const ZNatsConnectorUpdate = ZSettings.extend({
  id: z.string().min(1).max(64),
  credentials: ZCredentials.nullable().optional(),
});
export type NatsConnectorUpdate = z.infer<typeof ZNatsConnectorUpdate>;

/** What the Connectors page shows: running, paused, or in error (with the last error). */
export type ConnectorState = "running" | "paused" | "error";

export interface ConnectorView {
  id: string;
  kind: string;
  datasetId: string;
  datasetName: string | null;
  datasetTrashed: boolean;
  servers: string[];
  stream: string;
  subject: string | null;
  hasCredentials: boolean;
  state: ConnectorState;
  lastError: string | null;
  lastMessageAt: Date | null;
  recordsConsumed: number;
  /** Messages the source held beyond the last committed batch; null before the first batch. */
  pending: number | null;
  position: number;
  updatedAt: Date;
}

interface Row {
  id: string;
  kind: string;
  datasetId: string;
  datasetName: string | null;
  trashedAt: Date | null;
  config: unknown;
  status: string;
  lastError: string | null;
  hasCredentials: boolean;
  lastMessageAt: Date | null;
  recordsConsumed: bigint;
  pending: bigint | null;
  position: bigint;
  updatedAt: Date;
}

function toView(r: Row): ConnectorView {
  const c = r.config as NatsConnectorConfig;
  const state: ConnectorState = r.status === "PAUSED" ? "paused" : r.lastError ? "error" : "running";
  return {
    id: r.id,
    kind: r.kind,
    datasetId: r.datasetId,
    datasetName: r.datasetName,
    datasetTrashed: r.trashedAt !== null,
    servers: c.servers,
    stream: c.stream,
    subject: c.subject ?? null,
    hasCredentials: r.hasCredentials,
    state,
    lastError: r.lastError,
    lastMessageAt: r.lastMessageAt,
    recordsConsumed: Number(r.recordsConsumed),
    pending: r.pending === null ? null : Number(r.pending),
    position: Number(r.position),
    updatedAt: r.updatedAt,
  };
}

const SELECT = `SELECT c.id, c.kind, c."datasetId", d.name AS "datasetName", d."trashedAt", c.config, c.status,
       c."lastError", c.secret IS NOT NULL AS "hasCredentials", c."lastMessageAt", c."recordsConsumed",
       c.pending, c.position, c."updatedAt"
  FROM "StreamConnector" c LEFT JOIN "Dataset" d ON d.id = c."datasetId"`;

function settingsOf(input: { servers: string[]; stream: string; subject?: string }): NatsConnectorConfig {
  return { servers: input.servers, stream: input.stream, ...(input.subject ? { subject: input.subject } : {}) };
}

function sealed(creds: NatsConnectorInput["credentials"], config: Config): string | null {
  const present = creds && (creds.token || creds.user || creds.pass);
  return present ? encryptSecret(JSON.stringify(creds), config) : null;
}

/** Connects a JetStream stream to a streaming dataset (created if new); credentials are stored encrypted. */
export async function createNatsConnector(db: Db, config: Config, ctx: TenantCtx, input: NatsConnectorInput) {
  requirePermission(ctx, "connector.manage");
  requireActive(ctx);
  const secret = sealed(input.credentials, config);
  return sqlTenantTx(db, ctx.tenantId, async (sql) => {
    const ds = await ensureStreamingDataset(sql, {
      tenantId: ctx.tenantId,
      name: input.datasetName,
      createdBy: ctx.actor.id,
    });
    const id = newId();
    await sql.query(
      `INSERT INTO "StreamConnector" (id, "tenantId", "datasetId", kind, config, secret, "createdBy", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'nats', $4::jsonb, $5, $6, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING 1 AS ok`,
      [id, ctx.tenantId, ds.id, JSON.stringify(settingsOf(input)), secret, ctx.actor.id],
    );
    await addJob(sql, "stream-connector", { connectorId: id }, { jobKey: connectorJobKey(id), maxAttempts: 1000 });
    const meta = { stream: input.stream, dataset: input.datasetName };
    await appendAudit(sql, auditFromCtx(ctx, "connector.create", id, meta));
    return { id, datasetId: ds.id };
  });
}

/** The tenant's connectors with their status, never their credentials. */
export async function findConnectors(db: Db, ctx: TenantCtx): Promise<ConnectorView[]> {
  requirePermission(ctx, "connector.manage");
  const rows = await sqlTenantTx(db, ctx.tenantId, (sql) =>
    sql.query<Row>(`${SELECT} WHERE c."tenantId" = $1 ORDER BY c."createdAt" DESC`, [ctx.tenantId]),
  );
  return rows.map(toView);
}

async function lockConnector(sql: Sql, tenantId: string, id: string): Promise<Row> {
  const [r] = await sql.query<Row>(`${SELECT} WHERE c.id = $1 AND c."tenantId" = $2 FOR UPDATE OF c`, [id, tenantId]);
  if (!r) throw notFound("connector");
  return r;
}

/** One connector with its status; another tenant's is NOT_FOUND. */
export async function getConnectorById(db: Db, ctx: TenantCtx, id: string): Promise<ConnectorView> {
  requirePermission(ctx, "connector.manage");
  const [r] = await sqlTenantTx(db, ctx.tenantId, (sql) =>
    sql.query<Row>(`${SELECT} WHERE c.id = $1 AND c."tenantId" = $2`, [id, ctx.tenantId]),
  );
  if (!r) throw notFound("connector");
  return toView(r);
}

/**
 * New settings. Another stream means other sequence numbers, so the position
 * starts over; batches a running job pulled under the old settings no longer
 * commit (the commit matches the settings it read).
 */
export async function updateNatsConnector(db: Db, config: Config, ctx: TenantCtx, input: NatsConnectorUpdate) {
  requirePermission(ctx, "connector.manage");
  requireActive(ctx);
  const secret = input.credentials === undefined ? undefined : sealed(input.credentials ?? undefined, config);
  return sqlTenantTx(db, ctx.tenantId, async (sql) => {
    const before = await lockConnector(sql, ctx.tenantId, input.id);
    const ds = await ensureStreamingDataset(sql, {
      tenantId: ctx.tenantId,
      name: input.datasetName,
      createdBy: ctx.actor.id,
    });
    const restart = (before.config as NatsConnectorConfig).stream !== input.stream;
    await sql.query(
      `UPDATE "StreamConnector" SET config = $2::jsonb, "datasetId" = $3,
              secret = CASE WHEN $4 THEN $5 ELSE secret END,
              position = CASE WHEN $6 THEN 0 ELSE position END,
              pending = CASE WHEN $6 THEN NULL ELSE pending END,
              "lastError" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
        WHERE id = $1 RETURNING 1 AS ok`,
      [input.id, JSON.stringify(settingsOf(input)), ds.id, secret !== undefined, secret ?? null, restart],
    );
    if (before.status === "ACTIVE") await wake(sql, input.id);
    const meta = { stream: input.stream, dataset: input.datasetName, credentialsChanged: secret !== undefined };
    await appendAudit(sql, auditFromCtx(ctx, "connector.update", input.id, meta));
    return { id: input.id, datasetId: ds.id, positionReset: restart };
  });
}

async function wake(sql: Sql, id: string) {
  await addJob(sql, "stream-connector", { connectorId: id }, { jobKey: connectorJobKey(id), maxAttempts: 1000 });
}

/** Stops consuming (the position stays) or starts again from where it stopped. */
export async function setConnectorPaused(db: Db, ctx: TenantCtx, id: string, paused: boolean) {
  requirePermission(ctx, "connector.manage");
  requireActive(ctx);
  return sqlTenantTx(db, ctx.tenantId, async (sql) => {
    const c = await lockConnector(sql, ctx.tenantId, id);
    if (!paused && c.trashedAt) {
      throw new DomainError(
        "CONFLICT",
        `dataset ${c.datasetName ?? ""} is in the trash: restore it, or point the connector at another dataset.`,
      );
    }
    await sql.query(
      `UPDATE "StreamConnector" SET status = $2, "lastError" = NULL, "updatedAt" = now() AT TIME ZONE 'UTC'
        WHERE id = $1 RETURNING 1 AS ok`,
      [id, paused ? "PAUSED" : "ACTIVE"],
    );
    if (!paused) await wake(sql, id);
    await appendAudit(sql, auditFromCtx(ctx, paused ? "connector.pause" : "connector.resume", id, {}));
    return { id, state: paused ? "paused" : "running" };
  });
}

/** Stops a connector for good (its dataset and the events already in it stay). */
export async function deleteConnector(db: Db, ctx: TenantCtx, id: string): Promise<void> {
  requirePermission(ctx, "connector.manage");
  await sqlTenantTx(db, ctx.tenantId, async (sql) => {
    const gone = await sql.query(`DELETE FROM "StreamConnector" WHERE id = $1 AND "tenantId" = $2 RETURNING 1 AS ok`, [
      id,
      ctx.tenantId,
    ]);
    if (!gone.length) throw notFound("connector");
    await appendAudit(sql, auditFromCtx(ctx, "connector.delete", id, {}));
  });
}
