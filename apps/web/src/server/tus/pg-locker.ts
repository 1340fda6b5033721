import { randomBytes } from "node:crypto";
import type { Lock, Locker, RequestRelease } from "@tus/server";
import type { Db } from "@scrollintel/core/db/client";

export interface PgLockerOptions {
  /** A lease not renewed for this long is free again (its holder died). */
  leaseMs?: number;
  /** How often a holder renews its lease and looks for a release request. */
  heartbeatMs?: number;
  /** How long a request waits for the lock before answering 423 so the client retries. */
  acquireTimeoutMs?: number;
  /** How often a waiter tries again. */
  pollMs?: number;
}

/** What tus sends when the lock stays busy: 423 is one of the statuses tus clients retry on. */
export const LOCK_BUSY = { status_code: 423, body: "This upload is busy in another request; retry shortly.\n" };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * tus's per-upload lock on PostgreSQL, so several web processes can serve one
 * upload: a lease row per upload, renewed by a heartbeat while its request
 * runs and freed on unlock or when its holder stops renewing (crash). A
 * waiter flags the row; the holder sees the flag on its next heartbeat and
 * cancels its request (tus's requestRelease), as the in-memory locker does
 * within one process. The table holds no tenant data, so these statements
 * run outside tenantTx/systemTx: one round trip each, not four.
 */
export class PgLocker implements Locker {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly acquireTimeoutMs: number;
  readonly pollMs: number;

  constructor(
    readonly db: Db,
    opts: PgLockerOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 10_000;
    this.heartbeatMs = opts.heartbeatMs ?? 1_000;
    this.acquireTimeoutMs = opts.acquireTimeoutMs ?? 8_000;
    this.pollMs = opts.pollMs ?? 200;
  }

  newLock(id: string): Lock {
    return new PgLock(this, id);
  }
}

class PgLock implements Lock {
  private readonly holder = randomBytes(12).toString("hex");
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly locker: PgLocker,
    private readonly key: string,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.locker.acquireTimeoutMs;
    let asked = false;
    for (;;) {
      if (await this.tryAcquire()) {
        this.startHeartbeat(requestRelease);
        return;
      }
      if (!asked) {
        await this.askHolderToRelease();
        asked = true;
      }
      if (signal.aborted || Date.now() >= deadline) throw LOCK_BUSY;
      await sleep(this.locker.pollMs);
    }
  }

  async unlock(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.locker.db.$executeRaw`DELETE FROM "UploadLease" WHERE "key" = ${this.key} AND "holder" = ${this.holder}`;
  }

  /** Takes the row if it is absent or its lease ran out; one statement, so two takers cannot both win. */
  private async tryAcquire(): Promise<boolean> {
    const ms = this.locker.leaseMs;
    const rows = await this.locker.db.$queryRaw<{ holder: string }[]>`
      INSERT INTO "UploadLease" ("key", "holder", "expiresAt", "releaseRequested")
      VALUES (${this.key}, ${this.holder}, now() + make_interval(secs => ${ms / 1000}), false)
      ON CONFLICT ("key") DO UPDATE
         SET "holder" = EXCLUDED."holder", "expiresAt" = EXCLUDED."expiresAt", "releaseRequested" = false
       WHERE "UploadLease"."expiresAt" < now()
      RETURNING "holder"`;
    return rows[0]?.holder === this.holder;
  }

  private async askHolderToRelease(): Promise<void> {
    await this.locker.db.$executeRaw`UPDATE "UploadLease" SET "releaseRequested" = true WHERE "key" = ${this.key}`;
  }

  private startHeartbeat(requestRelease: RequestRelease): void {
    let released = false;
    const beat = async () => {
      const ms = this.locker.leaseMs;
      const rows = await this.locker.db.$queryRaw<{ releaseRequested: boolean }[]>`
        UPDATE "UploadLease" SET "expiresAt" = now() + make_interval(secs => ${ms / 1000})
         WHERE "key" = ${this.key} AND "holder" = ${this.holder}
        RETURNING "releaseRequested"`;
      // Another request wants the upload, or the lease was lost: stop writing, as tus asks.
      if (!released && (rows.length === 0 || rows[0]!.releaseRequested)) {
        released = true;
        await requestRelease();
      }
    };
    this.heartbeat = setInterval(() => {
      beat().catch(() => undefined); // a missed beat is retried on the next tick; the lease outlives several
    }, this.locker.heartbeatMs);
    this.heartbeat.unref();
  }
}
