import type { Db, Tx } from "../db/client";
import { DomainError } from "../errors";
import { checkMonthly, checkUpload, monthKey, storageHeadroom } from "../quota";
import { tenantTx } from "../db/scoped";
import { sqlOf, type Sql } from "../db/sql";
import { releaseStoredBytes, settleStoredBytes, tryReserveBytes } from "./stored-bytes";

const RESERVE_LOCK_TIMEOUT = "3s";

/** PostgreSQL's lock_not_available (55P03), however the driver adapter wraps it. */
function isLockTimeout(e: unknown): boolean {
  return /55P03|lock timeout/i.test(
    `${String(e)} ${JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`,
  );
}

/**
 * Reserves storage for an upload with one conditional UPDATE, so parallel
 * uploads can never overshoot the limit; refuses with a message that says
 * how much is left.
 */
export async function reserveStorage(tx: Tx, tenantId: string, bytes: bigint): Promise<void> {
  // Parallel reservations queue on the quota row for milliseconds; one that waits seconds
  // is told LOCKED (HTTP 423, which upload clients retry) instead of holding its request.
  await tx.$executeRaw`SELECT set_config('lock_timeout', ${RESERVE_LOCK_TIMEOUT}, true)`;
  const held = await tryReserveBytes(tx, tenantId, bytes, { withinFileLimit: true }).catch((e: unknown) => {
    if (isLockTimeout(e)) throw new DomainError("LOCKED", "The workspace's quota is busy; retry in a moment.");
    throw e;
  });
  if (held) return;
  const q = await tx.tenantQuota.findUnique({ where: { tenantId } });
  if (!q) throw new DomainError("FORBIDDEN", "This workspace has no storage quota set.");
  const d = checkUpload(q, bytes);
  throw new DomainError("QUOTA_EXCEEDED", d.ok ? "Storage quota changed; please retry." : d.message, {
    leftBytes: (d.ok ? storageHeadroom(q) : d.left).toString(),
  });
}

/** Turns a reservation into usage (upload finished); more than was reserved must fit first. */
export async function commitStorage(tx: Tx, tenantId: string, reserved: bigint, actual: bigint): Promise<void> {
  await settleStoredBytes(tx, tenantId, { reserved, actual, what: "this upload" });
}

/** Gives back a reservation (upload terminated or expired). */
export async function releaseStorage(tx: Tx, tenantId: string, reserved: bigint): Promise<void> {
  await tx.$executeRaw`
    UPDATE "TenantQuota"
       SET "storageBytesReserved" = GREATEST("storageBytesReserved" - ${reserved}, 0), "updatedAt" = now()
     WHERE "tenantId" = ${tenantId}`;
}

/**
 * Removes stored bytes (a negative delta) once their objects are gone. Adding
 * is refused: new bytes enter usage only through a reservation
 * (stored-bytes.ts), which is what keeps usage under the limit.
 */
export async function adjustStorageUsed(tx: Tx, tenantId: string, delta: bigint): Promise<void> {
  if (delta > 0n)
    throw new RangeError("stored bytes are added through a reservation (reserveStoredBytes), never directly");
  await releaseStoredBytes(tx, tenantId, -delta);
}

export async function getQuota(db: Db, tenantId: string) {
  const q = await tenantTx(db, tenantId, (tx) => tx.tenantQuota.findUnique({ where: { tenantId } }));
  if (!q) throw new DomainError("NOT_FOUND", "quota not found");
  return { ...q, storageHeadroom: storageHeadroom(q) };
}

/**
 * Orders, per tenant, everything that counts or starts its jobs (queries
 * queued on the web, ingests started on the worker) until the transaction ends.
 */
export async function lockTenantJobSlots(tx: Tx | Sql, tenantId: string): Promise<void> {
  await sqlOf(tx).query(`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 11))`, [tenantId]);
}

/**
 * lockTenantJobSlots, waiting at most `ms`: a request that would wait longer
 * (its workspace's other requests are queueing work faster than it is taken)
 * is refused as RATE_LIMITED (429 + Retry-After) instead of holding a pool
 * connection while it waits, which under load starves every other request.
 */
async function lockTenantJobSlotsWithin(sql: Sql, tenantId: string, ms: number): Promise<void> {
  await sql.query(`SELECT set_config('lock_timeout', $1, true) AS t`, [`${Math.max(1, Math.round(ms))}ms`]);
  try {
    await lockTenantJobSlots(sql, tenantId);
  } catch (e) {
    if (isLockTimeout(e)) {
      throw new DomainError("RATE_LIMITED", "This workspace is queueing other work right now; retry in a moment.", {
        retryAfter: 1,
      });
    }
    throw e;
  }
  await sql.query(`SELECT set_config('lock_timeout', '0', true) AS t`);
}

/**
 * Refuses new background work past the tenant's concurrent-jobs quota
 * (RATE_LIMITED: the client retries) and, for queries, once the month's scan
 * quota is used up (QUOTA_EXCEEDED). The advisory lock orders concurrent
 * requests of one tenant so two cannot both take the last slot; the limits,
 * usage and active jobs come back in one round trip (this is on every query's path).
 */
export async function assertJobSlot(
  tx: Tx | Sql,
  tenantId: string,
  opts: { scan?: boolean; lockWaitMs?: number } = {},
): Promise<void> {
  const sql = sqlOf(tx);
  if (opts.lockWaitMs === undefined) await lockTenantJobSlots(sql, tenantId);
  else await lockTenantJobSlotsWithin(sql, tenantId, opts.lockWaitMs);
  const [r] = await sql.query<{ jobs: number; active: number; scanLimit: bigint; scanUsed: bigint }>(
    `SELECT q."concurrentJobsLimit" AS jobs,
            (SELECT count(*)::int FROM "Job" j WHERE j."tenantId" = $1 AND j.status IN ('QUEUED', 'RUNNING')) AS active,
            q."scanBytesMonthLimit" AS "scanLimit",
            COALESCE((SELECT u."scanBytes" FROM "UsageMonthly" u WHERE u."tenantId" = $1 AND u.month = $2), 0) AS "scanUsed"
       FROM "TenantQuota" q WHERE q."tenantId" = $1`,
    [tenantId, monthKey()],
  );
  if (!r) return;
  if (opts.scan) {
    const d = checkMonthly("query scanning", BigInt(r.scanLimit), BigInt(r.scanUsed), 1n);
    if (!d.ok) throw new DomainError("QUOTA_EXCEEDED", `The monthly scan quota is used up. ${d.message}`);
  }
  if (r.active >= r.jobs) {
    throw new DomainError(
      "RATE_LIMITED",
      `This workspace already runs ${r.active} jobs, its limit; retry when one finishes.`,
      { retryAfter: 5 },
    );
  }
}
