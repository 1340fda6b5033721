import type { Tx } from "../db/client";
import { sqlOf, utc, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { checkMonthly, monthKey } from "../quota";

export const USAGE_KINDS = [
  "INGEST_BYTES",
  "INGEST_ROWS",
  "SCAN_BYTES",
  "QUERY_MS",
  "QUERIES",
  "STORAGE_BYTES",
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

const MONTHLY_COLUMN: Partial<Record<UsageKind, string>> = {
  INGEST_BYTES: "ingestBytes",
  INGEST_ROWS: "ingestRows",
  SCAN_BYTES: "scanBytes",
  QUERY_MS: "queryMs",
  QUERIES: "queries",
};

/**
 * Records usage: one append-only ledger row per entry, and the month's running
 * totals, in the caller's transaction (so usage commits with the work it meters).
 */
export async function meterUsage(
  tx: Tx | Sql,
  tenantId: string,
  entries: Array<{ kind: UsageKind; amount: bigint; ref?: string }>,
): Promise<void> {
  const rows = entries.filter((e) => e.amount !== 0n);
  if (!rows.length) return;
  const inc = (kind: UsageKind) => rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.amount, 0n);
  // The ledger rows and the month's totals in one statement (on every query's path).
  await sqlOf(tx).query(
    `WITH ev AS (
       INSERT INTO "UsageEvent" ("tenantId", kind, amount, ref, "createdAt")
       SELECT $1, e.kind, e.amount::bigint, e.ref, $2::timestamptz AT TIME ZONE 'UTC'
         FROM unnest($3::text[], $4::text[], $5::text[]) AS e(kind, amount, ref)
       RETURNING 1)
     INSERT INTO "UsageMonthly" ("tenantId", month, "ingestBytes", "ingestRows", "scanBytes", "queryMs", queries)
     SELECT $1, $6, $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::int
      WHERE $12::boolean
     ON CONFLICT ("tenantId", month) DO UPDATE SET
       "ingestBytes" = "UsageMonthly"."ingestBytes" + EXCLUDED."ingestBytes",
       "ingestRows" = "UsageMonthly"."ingestRows" + EXCLUDED."ingestRows",
       "scanBytes" = "UsageMonthly"."scanBytes" + EXCLUDED."scanBytes",
       "queryMs" = "UsageMonthly"."queryMs" + EXCLUDED."queryMs",
       queries = "UsageMonthly".queries + EXCLUDED.queries
     RETURNING 1 AS ok`,
    [
      tenantId,
      utc(new Date()),
      rows.map((r) => r.kind),
      rows.map((r) => r.amount.toString()),
      rows.map((r) => r.ref ?? null),
      monthKey(),
      inc("INGEST_BYTES").toString(),
      inc("INGEST_ROWS").toString(),
      inc("SCAN_BYTES").toString(),
      inc("QUERY_MS").toString(),
      Number(inc("QUERIES")),
      rows.some((r) => MONTHLY_COLUMN[r.kind]),
    ],
  );
}

async function monthlyUsed(tx: Tx, tenantId: string) {
  return tx.usageMonthly.findUnique({ where: { tenantId_month: { tenantId, month: monthKey() } } });
}

/** Refuses (QUOTA_EXCEEDED) when `bytes` more of ingest would pass the tenant's monthly ingest limit. */
export async function assertIngestAllowance(tx: Tx, tenantId: string, bytes: bigint): Promise<void> {
  const q = await tx.tenantQuota.findUniqueOrThrow({ where: { tenantId } });
  const used = (await monthlyUsed(tx, tenantId))?.ingestBytes ?? 0n;
  const d = checkMonthly("ingest", q.ingestBytesMonthLimit, used, bytes);
  if (!d.ok) throw new DomainError("QUOTA_EXCEEDED", d.message, { leftBytes: d.left.toString() });
}
