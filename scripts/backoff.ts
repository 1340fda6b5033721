// Restart delays for supervised processes: quick for a one-off crash, slowing
// down for a crash loop, and forgiven once a process has run healthily a while.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long counts as healthy: the next crash starts again at initialMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 10_000, resetAfterMs: 60_000 };

export class Backoff {
  private failures = 0;
  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** The delay before restarting a process that just exited after running `ranMs`. */
  nextDelayMs(ranMs: number): number {
    if (ranMs >= this.policy.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return delay;
  }
}
