import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { DomainError } from "../errors";

/**
 * Counts one request in `bucket`'s current one-minute window (shared by every
 * web process through PostgreSQL) and refuses past `limit` with the seconds
 * until the window turns.
 */
export async function hitRateLimit(db: Db, bucket: string, limit: number, now = new Date()): Promise<void> {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const rows = await systemTx(
    db,
    (tx) =>
      tx.$queryRaw<{ count: number }[]>`
      INSERT INTO "RateWindow" (bucket, "windowStart", count) VALUES (${bucket}, ${windowStart}, 1)
      ON CONFLICT (bucket, "windowStart") DO UPDATE SET count = "RateWindow".count + 1
      RETURNING count`,
  );
  const count = rows[0]?.count ?? 0;
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
    throw new DomainError(
      "RATE_LIMITED",
      `Rate limit of ${limit} requests per minute reached; retry in ${retryAfter} s.`,
      {
        retryAfter,
      },
    );
  }
}

/** Drops windows older than a few minutes (worker cron). */
export async function pruneRateWindows(db: Db): Promise<number> {
  return systemTx(
    db,
    (tx) => tx.$executeRaw`DELETE FROM "RateWindow" WHERE "windowStart" < now() - interval '5 minutes'`,
  );
}
