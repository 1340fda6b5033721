import type { Db } from "../db/client";

/**
 * The lease rows behind tus's per-upload lock (apps/web's PgLocker), so
 * several web processes can serve one upload. The table holds no tenant
 * data, so these statements run outside tenantTx/systemTx: one round trip
 * each, not four.
 */
export interface UploadLease {
  key: string;
  holder: string;
  leaseMs: number;
}

/** Takes the row if it is absent or its lease ran out; one statement, so two takers cannot both win. */
export async function tryAcquireUploadLease(db: Db, lease: UploadLease): Promise<boolean> {
  const rows = await db.$queryRaw<{ holder: string }[]>`
    INSERT INTO "UploadLease" ("key", "holder", "expiresAt", "releaseRequested")
    VALUES (${lease.key}, ${lease.holder}, now() + make_interval(secs => ${lease.leaseMs / 1000}), false)
    ON CONFLICT ("key") DO UPDATE
       SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt", "releaseRequested" = false
     WHERE "UploadLease"."expiresAt" < now()
    RETURNING "holder"`;
  return rows[0]?.holder === lease.holder;
}

/**
 * Extends the holder's lease. "lost": the row is gone or another holder took
 * it; "release-requested": a waiter flagged it; "held" otherwise.
 */
export async function renewUploadLease(db: Db, lease: UploadLease): Promise<"held" | "release-requested" | "lost"> {
  const rows = await db.$queryRaw<{ releaseRequested: boolean }[]>`
    UPDATE "UploadLease" SET "expiresAt" = now() + make_interval(secs => ${lease.leaseMs / 1000})
     WHERE "key" = ${lease.key} AND "holder" = ${lease.holder}
    RETURNING "releaseRequested"`;
  if (rows.length === 0) return "lost";
  return rows[0]!.releaseRequested ? "release-requested" : "held";
}

/** Flags the lease so its holder lets go on its next renewal (a waiter's request). */
export async function requestUploadLeaseRelease(db: Db, key: string): Promise<void> {
  await db.$executeRaw`UPDATE "UploadLease" SET "releaseRequested" = true WHERE "key" = ${key}`;
}

/** Frees the lease, only if `holder` still has it: a late unlock never frees a newer holder's lease. */
export async function releaseUploadLease(db: Db, lease: Pick<UploadLease, "key" | "holder">): Promise<void> {
  await db.$executeRaw`DELETE FROM "UploadLease" WHERE "key" = ${lease.key} AND "holder" = ${lease.holder}`;
}
