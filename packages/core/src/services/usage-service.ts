import type { Tx } from "../db/client";
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
  tx: Tx,
  tenantId: string,
  entries: Array<{ kind: UsageKind; amount: bigint; ref?: string }>,
): Promise<void> {
  const month = monthKey();
  const rows = entries.filter((e) => e.amount !== 0n);
  if (!rows.length) return;
  await tx.usageEvent.createMany({ data: rows.map((e) => ({ tenantId, kind: e.kind, amount: e.amount, ref: e.ref })) });
  const inc = (kind: UsageKind) => rows.filter((r) => r.kind === kind).reduce((s, r) => s + r.amount, 0n);
  if (!rows.some((r) => MONTHLY_COLUMN[r.kind])) return;
  await tx.$executeRaw`
    INSERT INTO "UsageMonthly" ("tenantId", month, "ingestBytes", "ingestRows", "scanBytes", "queryMs", queries)
    VALUES (${tenantId}, ${month}, ${inc("INGEST_BYTES")}, ${inc("INGEST_ROWS")}, ${inc("SCAN_BYTES")}, ${inc("QUERY_MS")}, ${Number(inc("QUERIES"))})
    ON CONFLICT ("tenantId", month) DO UPDATE SET
      "ingestBytes" = "UsageMonthly"."ingestBytes" + EXCLUDED."ingestBytes",
      "ingestRows" = "UsageMonthly"."ingestRows" + EXCLUDED."ingestRows",
      "scanBytes" = "UsageMonthly"."scanBytes" + EXCLUDED."scanBytes",
      "queryMs" = "UsageMonthly"."queryMs" + EXCLUDED."queryMs",
      queries = "UsageMonthly".queries + EXCLUDED.queries`;
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
