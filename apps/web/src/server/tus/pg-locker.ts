import { randomBytes } from "node:crypto";
import type { Lock, Locker, RequestRelease } from "@tus/server";
import type { Db } from "@scrollintel/core/db/client";
import {
  releaseUploadLease,
  renewUploadLease,
  requestUploadLeaseRelease,
  tryAcquireUploadLease,
} from "@scrollintel/core/services/upload-lease-service";

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
 * within one process. The lease SQL lives in core (upload-lease-service).
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
    await releaseUploadLease(this.locker.db, { key: this.key, holder: this.holder });
  }

  private tryAcquire(): Promise<boolean> {
    return tryAcquireUploadLease(this.locker.db, this.lease());
  }

  private askHolderToRelease(): Promise<void> {
    return requestUploadLeaseRelease(this.locker.db, this.key);
  }

  private lease() {
    return { key: this.key, holder: this.holder, leaseMs: this.locker.leaseMs };
  }

  private startHeartbeat(requestRelease: RequestRelease): void {
    let released = false;
    const beat = async () => {
      const state = await renewUploadLease(this.locker.db, this.lease());
      // Another request wants the upload, or the lease was lost: stop writing, as tus asks.
      if (!released && state !== "held") {
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
