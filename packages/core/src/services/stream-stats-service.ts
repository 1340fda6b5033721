import type { Db } from "../db/client";
import { sqlTenantTx } from "../db/sql";
import { notFound } from "../errors";
import { findEventTimeCandidates } from "../stream/event-time";
import type { StreamColumn } from "../stream/stream-sql";
import { requirePermission, type TenantCtx } from "../tenant-context";
import { readReaderAccess } from "./reader-access";

export interface StreamStats {
  streaming: boolean;
  lastEventAt: Date | null;
  /** Acknowledged but not yet compacted: still read from segments by queries. */
  lag: { segments: number; bytes: number; seconds: number };
  /** Null under a row filter: it counts records the reader may not see. */
  rejectedRecords: number | null;
  /** The newest rejects: batch (segment) id, record number in it, and why (none under a mask or row filter: they hold raw values). */
  recentRejects: { segmentId: string; record: number; reason: string; raw: string | null; at: Date }[];
  /** Records acknowledged per minute over the last hour, oldest first (minutes without events are absent; none under a row filter). */
  /** True when this reader's access policy hid rejects or counts. */
  hiddenByPolicy: boolean;
  perMinute: { minute: Date; records: number }[];
  /** The column parts are sorted by (null: arrival order), and the columns that could be it (none under a policy). */
  eventTimeColumn: string | null;
  eventTimeCandidates: string[];
}

/**
 * What the dataset page shows for a streaming dataset; another tenant's
 * dataset, or one the reader's policy hides, is NOT_FOUND.
 */
export async function getStreamStats(db: Db, ctx: TenantCtx, datasetId: string): Promise<StreamStats> {
  requirePermission(ctx, "dataset.read");
  return sqlTenantTx(db, ctx.tenantId, async (sql) => {
    const [d] = await sql.query<{
      streaming: boolean;
      lastEventAt: Date | null;
      eventTimeColumn: string | null;
      rejected: bigint | null;
      columns: StreamColumn[] | null;
    }>(
      `SELECT d.streaming, d."lastEventAt", d."eventTimeColumn", v."rejectedRows" AS rejected, v.columns
         FROM "Dataset" d LEFT JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = 1
        WHERE d.id = $1 AND d."tenantId" = $2 AND d."trashedAt" IS NULL`,
      [datasetId, ctx.tenantId],
    );
    if (!d) throw notFound("dataset");
    const reader = await readReaderAccess(sql, ctx, {
      datasetId,
      columns: (d.columns ?? []).map((c) => c.name),
      what: "dataset",
    });
    const empty = { segments: 0, bytes: 0, seconds: 0 };
    if (!d.streaming) {
      return {
        streaming: false,
        lastEventAt: null,
        lag: empty,
        rejectedRecords: 0,
        recentRejects: [],
        perMinute: [],
        hiddenByPolicy: false,
        eventTimeColumn: null,
        eventTimeCandidates: [],
      };
    }
    const [lag] = await sql.query<{ segments: number; bytes: bigint | null; seconds: number | null }>(
      `SELECT count(*)::int AS segments, sum(bytes)::bigint AS bytes,
              extract(epoch FROM (now() AT TIME ZONE 'UTC') - min("createdAt"))::float8 AS seconds
         FROM "StreamSegment" WHERE "datasetId" = $1 AND status = 'PENDING'`,
      [datasetId],
    );
    const perMinute = await sql.query<{ minute: Date; records: bigint }>(
      `SELECT date_trunc('minute', "createdAt") AS minute, sum(records)::bigint AS records
         FROM "StreamSegment"
        WHERE "datasetId" = $1 AND "createdAt" > (now() AT TIME ZONE 'UTC') - interval '1 hour'
        GROUP BY 1 ORDER BY 1`,
      [datasetId],
    );
    const recentRejects = await sql.query<{
      segmentId: string;
      record: number;
      reason: string;
      raw: string | null;
      at: Date;
    }>(
      `SELECT "segmentId", record, reason, raw, "createdAt" AS at FROM "StreamReject"
        WHERE "tenantId" = $1 AND "datasetId" = $2 ORDER BY id DESC LIMIT 20`,
      [ctx.tenantId, datasetId],
    );
    return {
      streaming: true,
      lastEventAt: d.lastEventAt,
      lag: { segments: lag?.segments ?? 0, bytes: Number(lag?.bytes ?? 0n), seconds: Math.max(0, lag?.seconds ?? 0) },
      rejectedRecords: reader.countsHidden ? null : Number(d.rejected ?? 0n),
      recentRejects: reader.unrestricted ? recentRejects : [],
      perMinute: reader.countsHidden ? [] : perMinute.map((m) => ({ minute: m.minute, records: Number(m.records) })),
      hiddenByPolicy: !reader.unrestricted,
      eventTimeColumn: d.eventTimeColumn,
      eventTimeCandidates: reader.unrestricted ? findEventTimeCandidates(d.columns ?? []).map((c) => c.name) : [],
    };
  });
}
