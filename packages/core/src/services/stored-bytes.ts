import type { Tx } from "../db/client";
import { sqlOf, type Sql } from "../db/sql";
import { DomainError } from "../errors";
import { storageHeadroom, storageRefusal } from "../quota";

/**
 * Storage accounting for everything a tenant stores besides the upload itself
 * (Parquet, query results, exports). Bytes only ever enter `storageBytesUsed`
 * through a reservation taken with one conditional UPDATE, so no mix of
 * concurrent uploads, ingests, results and exports can pass the limit.
 */

/**
 * Holds `bytes` of the tenant's storage for `what` ("this dataset's Parquet"),
 * or throws QUOTA_EXCEEDED naming the limit and the numbers. Zero always fits.
 */
export async function reserveStoredBytes(tx: Tx | Sql, tenantId: string, bytes: bigint, what: string): Promise<void> {
  if (bytes <= 0n) return;
  const sql = sqlOf(tx);
  if (await tryReserveBytes(sql, tenantId, bytes)) return;
  const [q] = await sql.query<{ storageBytesLimit: bigint; storageBytesUsed: bigint; storageBytesReserved: bigint }>(
    `SELECT "storageBytesLimit", "storageBytesUsed", "storageBytesReserved" FROM "TenantQuota" WHERE "tenantId" = $1`,
    [tenantId],
  );
  if (!q) throw new DomainError("FORBIDDEN", "This workspace has no storage quota set.");
  const quota = { ...q, maxFileBytes: 0n };
  throw new DomainError("QUOTA_EXCEEDED", storageRefusal(quota, what, bytes), {
    neededBytes: bytes.toString(),
    leftBytes: storageHeadroom(quota).toString(),
    limitBytes: q.storageBytesLimit.toString(),
  });
}

/**
 * The one conditional UPDATE every reservation goes through (uploads add
 * `withinFileLimit`): true when the bytes were held, false when they would
 * pass the limit. Concurrent callers queue on the quota row, so none overshoots.
 */
export async function tryReserveBytes(
  tx: Tx | Sql,
  tenantId: string,
  bytes: bigint,
  opts: { withinFileLimit?: boolean } = {},
): Promise<boolean> {
  const held = await sqlOf(tx).query<{ ok: number }>(
    `UPDATE "TenantQuota"
        SET "storageBytesReserved" = "storageBytesReserved" + $2::bigint, "updatedAt" = now()
      WHERE "tenantId" = $1 AND (NOT $3::boolean OR $2::bigint <= "maxFileBytes")
        AND "storageBytesUsed" + "storageBytesReserved" + $2::bigint <= "storageBytesLimit"
      RETURNING 1 AS ok`,
    [tenantId, bytes.toString(), opts.withinFileLimit === true],
  );
  return held.length === 1;
}

/**
 * Turns a reservation of `reserved` bytes into `actual` stored bytes. An
 * actual size above the reservation first reserves the difference (and may
 * be refused), so even a wrong estimate never lets usage pass the limit.
 */
export async function settleStoredBytes(
  tx: Tx | Sql,
  tenantId: string,
  held: { reserved: bigint; actual: bigint; what: string },
): Promise<void> {
  let reserved = held.reserved;
  if (held.actual > reserved) {
    await reserveStoredBytes(tx, tenantId, held.actual - reserved, held.what);
    reserved = held.actual;
  }
  await sqlOf(tx).query(
    `UPDATE "TenantQuota"
        SET "storageBytesReserved" = GREATEST("storageBytesReserved" - $2::bigint, 0),
            "storageBytesUsed" = "storageBytesUsed" + $3::bigint, "updatedAt" = now()
      WHERE "tenantId" = $1 RETURNING 1 AS ok`,
    [tenantId, reserved.toString(), held.actual.toString()],
  );
}

/** Gives a reservation back (the work failed, was cancelled or refused). */
export async function releaseReservedBytes(tx: Tx | Sql, tenantId: string, reserved: bigint): Promise<void> {
  if (reserved <= 0n) return;
  await sqlOf(tx).query(
    `UPDATE "TenantQuota" SET "storageBytesReserved" = GREATEST("storageBytesReserved" - $2::bigint, 0),
            "updatedAt" = now()
      WHERE "tenantId" = $1 RETURNING 1 AS ok`,
    [tenantId, reserved.toString()],
  );
}

/** Stored bytes whose objects are gone (retention, deletion): usage goes down, never below zero. */
export async function releaseStoredBytes(tx: Tx | Sql, tenantId: string, bytes: bigint): Promise<void> {
  if (bytes < 0n) throw new RangeError("released bytes must not be negative");
  if (bytes === 0n) return;
  await sqlOf(tx).query(
    `UPDATE "TenantQuota" SET "storageBytesUsed" = GREATEST("storageBytesUsed" - $2::bigint, 0), "updatedAt" = now()
      WHERE "tenantId" = $1 RETURNING 1 AS ok`,
    [tenantId, bytes.toString()],
  );
}
