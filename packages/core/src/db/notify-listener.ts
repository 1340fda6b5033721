import pg from "pg";
import type { Logger } from "../logger";
import { reconnectDelay } from "./patient-pool";
import { idleWhile } from "../request-load";

type Callback = () => void;

/**
 * One LISTEN connection per process and channel, fanning NOTIFY payloads
 * (row ids) out to whoever subscribed to that id, and reconnecting with
 * backoff (at most 5 s apart) when the connection drops, for as long as the
 * database stays away. Waiters still re-check on a slow timer, so a notification
 * lost while reconnecting costs latency, not correctness.
 */
export class NotifyListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly subs = new Map<string, Set<Callback>>();
  private closed = false;
  private failures = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly log?: Logger,
  ) {}

  /**
   * Connects and LISTENs (once); later calls return the same promise. When the
   * database does not answer, the promise rejects and the listener keeps trying.
   */
  ready(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect()
      .catch((e: unknown) => {
        this.failures++;
        this.reconnectSoon();
        throw e;
      })
      .finally(() => {
        this.connecting = null;
      });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.databaseUrl });
    c.on("notification", (m) => {
      if (m.channel === this.channel && m.payload) this.fire(m.payload);
    });
    // Subscribers are not woken on a drop (for the worker a wake means "cancel");
    // waiters re-check on their own timer meanwhile.
    const drop = (err?: Error) => {
      if (this.client !== c) return;
      this.client = null;
      if (this.closed) return;
      this.log?.warn({ err: err?.message, channel: this.channel }, "LISTEN connection lost; reconnecting");
      this.reconnectSoon();
    };
    c.on("error", drop);
    c.on("end", () => drop());
    try {
      await c.connect();
      await c.query(`LISTEN "${this.channel.replaceAll('"', "")}"`);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw e;
    }
    this.client = c;
    this.failures = 0;
  }

  /** True while the LISTEN connection is up. */
  get connected(): boolean {
    return this.client !== null;
  }

  /** One retry loop at a time, however many callers found the connection down. */
  private reconnectSoon(): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(
      () => {
        this.retry = null;
        if (this.closed || this.client) return;
        this.ready().catch(() => undefined); // a failure schedules the next try
      },
      reconnectDelay(this.failures + 2),
    );
    this.retry.unref();
  }

  private fire(id: string): void {
    for (const cb of this.subs.get(id) ?? []) cb();
  }

  /** Calls `cb` whenever `id` is notified; returns the unsubscribe function. */
  subscribe(id: string, cb: Callback): () => void {
    let set = this.subs.get(id);
    if (!set) this.subs.set(id, (set = new Set()));
    set.add(cb);
    return () => {
      set.delete(cb);
      if (!set.size) this.subs.delete(id);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}

/**
 * Waits until `check()` is true or `timeoutMs` passes, waking on NOTIFY for
 * `id` when a listener is given and polling with backoff otherwise.
 */
export async function waitUntilDone(opts: {
  id: string;
  timeoutMs: number;
  check: () => Promise<boolean>;
  listener?: NotifyListener | null;
}): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  // A notification may land while check() runs: remember it instead of losing it.
  let notified: boolean;
  let wake: Callback = () => {
    notified = true;
  };
  const unsubscribe = opts.listener?.subscribe(opts.id, () => wake());
  try {
    if (opts.listener) await opts.listener.ready().catch(() => undefined);
    let delay = 10;
    for (;;) {
      notified = false;
      if (await opts.check()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (notified) continue;
      // With a listener the timer is only a safety net; without one it is the poll.
      const ms = Math.min(left, opts.listener ? 1000 : delay);
      // Idle: the web's admission (request-load.ts) does not count a request waiting here as work.
      await idleWhile(
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        }),
      );
      wake = () => {
        notified = true;
      };
      delay = Math.min(delay * 2, 200);
    }
  } finally {
    unsubscribe?.();
  }
}
