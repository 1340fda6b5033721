import type { Sql } from "../db/sql";
import { utc } from "../db/sql";

/**
 * Failed sign-ins, counted in PostgreSQL so every web process sees the same
 * numbers: per account (guessing one user's password) and per client IP
 * (spraying many accounts). Reaching a limit locks the key for LOCK_MS; while
 * locked, even the right password is refused.
 */
export const SIGN_IN_LIMITS = {
  account: { maxFailures: 5 },
  ip: { maxFailures: 20 },
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
} as const;

export type ThrottleKind = "account" | "ip";

export function throttleKeys(input: { email: string; ip?: string | null }): { kind: ThrottleKind; key: string }[] {
  const keys: { kind: ThrottleKind; key: string }[] = [{ kind: "account", key: `account:${input.email}` }];
  if (input.ip) keys.push({ kind: "ip", key: `ip:${input.ip}` });
  return keys;
}

/** The latest lockedUntil among the keys still in the future, or null when sign-in may proceed. */
export async function findSignInLock(sql: Sql, keys: string[], now: Date): Promise<Date | null> {
  const [row] = await sql.query<{ until: Date | null }>(
    `SELECT max("lockedUntil") AS until FROM "SignInThrottle"
      WHERE key = ANY($1::text[]) AND "lockedUntil" > $2::timestamptz AT TIME ZONE 'UTC'`,
    [keys, utc(now)],
  );
  return row?.until ?? null;
}

/**
 * Counts one failure for `key` (a new window once the old one is over). On
 * reaching `maxFailures` the key is locked and its count starts again, so
 * the next lockout needs as many failures again. Returns the lock if this
 * failure set one.
 */
export async function recordSignInFailure(
  sql: Sql,
  input: { key: string; maxFailures: number; now: Date },
): Promise<Date | null> {
  const { windowMs, lockMs } = SIGN_IN_LIMITS;
  const now = utc(input.now);
  const [row] = await sql.query<{ failures: number }>(
    `INSERT INTO "SignInThrottle" AS s (key, failures, "windowStart", "updatedAt")
     VALUES ($1, 1, $2::timestamptz AT TIME ZONE 'UTC', $2::timestamptz AT TIME ZONE 'UTC')
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN s."windowStart" <= EXCLUDED."updatedAt" - $3 * interval '1 millisecond'
                       THEN 1 ELSE s.failures + 1 END,
       "windowStart" = CASE WHEN s."windowStart" <= EXCLUDED."updatedAt" - $3 * interval '1 millisecond'
                            THEN EXCLUDED."updatedAt" ELSE s."windowStart" END,
       "updatedAt" = EXCLUDED."updatedAt"
     RETURNING failures`,
    [input.key, now, windowMs],
  );
  if (!row || row.failures < input.maxFailures) return null;
  const [locked] = await sql.query<{ lockedUntil: Date }>(
    `UPDATE "SignInThrottle"
        SET "lockedUntil" = $2::timestamptz AT TIME ZONE 'UTC' + $3 * interval '1 millisecond',
            failures = 0, "windowStart" = $2::timestamptz AT TIME ZONE 'UTC'
      WHERE key = $1 RETURNING "lockedUntil"`,
    [input.key, now, lockMs],
  );
  return locked?.lockedUntil ?? null;
}

/** A successful sign-in clears the account's count (the IP's stays: it may be spraying others). */
export async function clearAccountFailures(sql: Sql, email: string, now: Date): Promise<void> {
  await sql.query(
    `DELETE FROM "SignInThrottle"
      WHERE key = $1 AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2::timestamptz AT TIME ZONE 'UTC')`,
    [`account:${email}`, utc(now)],
  );
}
