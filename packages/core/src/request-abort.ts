import { clientGone } from "./errors";
import { logContext } from "./log-context";

/**
 * A request's abort signal (its client disconnected), found through the
 * request's log context: one AsyncLocalStorage per request, not a second one
 * (each adds to every async step's cost).
 */
const signals = new WeakMap<object, AbortSignal>();

/** Ties `signal` to the current request (inside runWithLogFields). */
export function bindAbortSignal(signal: AbortSignal): void {
  const store = logContext.getStore();
  if (store) signals.set(store, signal);
}

/** The current request's abort signal, if it has one. */
export function currentAbortSignal(): AbortSignal | undefined {
  const store = logContext.getStore();
  return store ? signals.get(store) : undefined;
}

/** Throws clientGone() when the current request's client has left. */
export function assertClientWaiting(): void {
  if (currentAbortSignal()?.aborted) throw clientGone();
}
