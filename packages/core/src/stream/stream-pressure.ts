import type { Sql } from "../db/sql";
import { DomainError } from "../errors";
import { monthKey } from "../quota";

/** What a producer is told on every answer: the tenant's records/s plan rate and this second's use. */
export interface RateHeaders {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface PressureLimits {
  maxLagBytes: number;
  maxLagSeconds: number;
}

function secondWindow(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000);
}

/**
 * Refuses a batch (RATE_LIMITED, 429) before its body is read when the
 * dataset's compaction lags past a bound, or the tenant already used this
 * second's plan rate of records or bytes. Windows live in PostgreSQL, so
 * every web process shares them.
 */
export async function checkStreamPressure(
  sql: Sql,
  input: { tenantId: string; datasetId: string; limits: PressureLimits; now?: Date },
): Promise<RateHeaders> {
  const now = input.now ?? new Date();
  const [row] = await sql.query<{
    records: number | null;
    kib: number | null;
    recLimit: number;
    bytesLimit: bigint;
    lagBytes: bigint | null;
    lagSeconds: number | null;
    monthLimit: bigint;
    monthUsed: bigint | null;
  }>(
    `SELECT (SELECT count FROM "RateWindow" WHERE bucket = $2 AND "windowStart" = $4::timestamptz AT TIME ZONE 'UTC') AS records,
            (SELECT count FROM "RateWindow" WHERE bucket = $3 AND "windowStart" = $4::timestamptz AT TIME ZONE 'UTC') AS kib,
            q."streamRecordsPerSecond" AS "recLimit", q."streamBytesPerSecond" AS "bytesLimit",
            s."lagBytes", s."lagSeconds", q."ingestBytesMonthLimit" AS "monthLimit",
            (SELECT "ingestBytes" FROM "UsageMonthly" WHERE "tenantId" = $1 AND month = $6) AS "monthUsed"
       FROM "TenantQuota" q,
            LATERAL (SELECT sum(bytes)::bigint AS "lagBytes",
                            extract(epoch FROM (now() AT TIME ZONE 'UTC') - min("createdAt"))::float8 AS "lagSeconds"
                       FROM "StreamSegment" WHERE "datasetId" = $5 AND status = 'PENDING') s
      WHERE q."tenantId" = $1`,
    [
      input.tenantId,
      `srec:${input.tenantId}`,
      `skib:${input.tenantId}`,
      secondWindow(now).toISOString(),
      input.datasetId,
      monthKey(now),
    ],
  );
  if (!row) throw new DomainError("FORBIDDEN", "This workspace has no quota set.");
  if ((row.monthUsed ?? 0n) >= row.monthLimit) {
    throw new DomainError(
      "QUOTA_EXCEEDED",
      `This workspace used its ingest limit of ${row.monthLimit} bytes this month.`,
    );
  }
  const used = row.records ?? 0;
  const reset = Math.max(1, Math.ceil((secondWindow(now).getTime() + 1000 - now.getTime()) / 1000));
  const headers = { limit: row.recLimit, remaining: Math.max(0, row.recLimit - used), resetSeconds: reset };
  const refuse = (message: string, retryAfter: number) =>
    new DomainError("RATE_LIMITED", message, { retryAfter, rate: { ...headers, remaining: 0 } });
  if (used >= row.recLimit) throw refuse(`Plan rate of ${row.recLimit} records/s reached; retry in ${reset} s.`, reset);
  if (BigInt(row.kib ?? 0) * 1024n >= row.bytesLimit) {
    throw refuse(`Plan rate of ${row.bytesLimit} bytes/s reached; retry in ${reset} s.`, reset);
  }
  const lagBytes = Number(row.lagBytes ?? 0n);
  const lagSeconds = row.lagSeconds ?? 0;
  if (lagBytes > input.limits.maxLagBytes || lagSeconds > input.limits.maxLagSeconds) {
    throw refuse(
      `Compaction of this dataset lags (${lagBytes} bytes, ${Math.round(lagSeconds)} s behind); retry in 5 s.`,
      5,
    );
  }
  return headers;
}

/** Counts an accepted batch into this second's windows (in the batch's own transaction). */
export async function countStreamRate(
  sql: Sql,
  input: { tenantId: string; records: number; bytes: number; now?: Date },
): Promise<void> {
  const start = secondWindow(input.now ?? new Date()).toISOString();
  await sql.query(
    `INSERT INTO "RateWindow" (bucket, "windowStart", count)
     VALUES ($1, $3::timestamptz AT TIME ZONE 'UTC', $4), ($2, $3::timestamptz AT TIME ZONE 'UTC', $5)
     ON CONFLICT (bucket, "windowStart") DO UPDATE SET count = LEAST("RateWindow".count::bigint + EXCLUDED.count, 2147483647)::int
     RETURNING 1 AS ok`,
    [`srec:${input.tenantId}`, `skib:${input.tenantId}`, start, input.records, Math.ceil(input.bytes / 1024)],
  );
}
