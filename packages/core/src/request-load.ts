/**
 * The web's requests in progress, as its admission at the door counts them
 * (apps/web overload-guard), and how many of those sit in a wait that costs
 * the process nothing (for a worker to settle a row). On globalThis: Next
 * bundles the door (instrumentation) and the route handlers separately.
 */
export interface RequestLoad {
  admitted: number;
  idle: number;
}

const KEY = Symbol.for("scrollintel.request-load");
const g = globalThis as unknown as Record<symbol, RequestLoad | undefined>;

export function requestLoad(): RequestLoad {
  return (g[KEY] ??= { admitted: 0, idle: 0 });
}

/** Admitted requests doing work now: those not idle in a wait. */
export function busyRequests(): number {
  const l = requestLoad();
  return Math.max(0, l.admitted - l.idle);
}

/** Awaits `wait`, a wait that takes no CPU (a timer, a notification): admission does not count it as work. */
export async function idleWhile<T>(wait: Promise<T>): Promise<T> {
  const l = requestLoad();
  l.idle++;
  try {
    return await wait;
  } finally {
    l.idle--;
  }
}
