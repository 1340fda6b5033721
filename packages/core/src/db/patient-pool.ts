import pg from "pg";
import { isInfraOutage } from "../infra-outage";

/** Backoff between connection attempts: 100 ms doubling, at most 5 s, with jitter. */
export function reconnectDelay(attempt: number, capMs = 5000): number {
  const base = Math.min(capMs, 100 * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.75 + Math.random() / 4));
}

type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * A pg pool whose connect() waits out a PostgreSQL outage (restart, failover)
 * for up to `waitMs`, retrying with backoff, instead of failing at once. Every
 * user of the pool gets this: Prisma's adapter, plain SQL, graphile-worker
 * (which does not await some of its own writes, so a failed connect there
 * would become an unhandled rejection). Only connecting waits: a statement
 * cut off mid-way still fails, since it cannot safely be sent twice.
 */
export class PatientPool extends pg.Pool {
  private closing = false;

  constructor(
    config: pg.PoolConfig,
    private readonly waitMs: number,
    private readonly onWait?: (e: unknown, attempt: number) => void,
  ) {
    super(config);
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(cb: ConnectCallback): void;
  override connect(cb?: ConnectCallback): Promise<pg.PoolClient> | void {
    const p = this.connectPatiently();
    if (!cb) return p;
    p.then(
      (c) => cb(undefined, c, (release?: unknown) => c.release(release as boolean | Error | undefined)),
      (e: unknown) => cb(e instanceof Error ? e : new Error(String(e)), undefined, () => undefined),
    );
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await super.connect();
      } catch (e) {
        const left = deadline - Date.now();
        if (this.closing || left <= 0 || !isInfraOutage(e)) throw e;
        this.onWait?.(e, attempt);
        await new Promise((r) => setTimeout(r, Math.min(left, reconnectDelay(attempt))));
      }
    }
  }

  override end(): Promise<void>;
  override end(cb: () => void): void;
  override end(cb?: () => void): Promise<void> | void {
    this.closing = true;
    return cb ? super.end(cb) : super.end();
  }
}
