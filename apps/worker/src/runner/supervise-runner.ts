import type { Runner } from "graphile-worker";
import { reconnectDelay } from "@scrollintel/core/db/patient-pool";
import { isInfraOutage } from "@scrollintel/core/infra-outage";
import type { Logger } from "@scrollintel/core/logger";

/** A runner that lasted this long was healthy: the backoff starts again from short. */
const HEALTHY_RUN_MS = 60_000;
/** Failures of a runner while PostgreSQL answers, in a row, before the process gives up (a bug). */
const MAX_HARD_FAILURES = 5;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

/**
 * Keeps a graphile-worker runner going through PostgreSQL outages: when a
 * runner fails to start or stops on its own (its pool gave up on a lost
 * connection), this waits with backoff (at most 5 s apart) until PostgreSQL
 * answers and starts a new one. A runner that keeps failing while the
 * database answers is a bug: after a few tries the error is thrown, so the
 * process exits non-zero and its supervisor restarts it. Returns once `signal`
 * aborts and the current runner has stopped (graceful: running jobs finish).
 */
export async function superviseRunner(opts: {
  start: () => Promise<Runner>;
  /** Resolves once PostgreSQL answers (or the signal aborts). */
  waitForDb: (signal: AbortSignal) => Promise<void>;
  log: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { log, signal } = opts;
  let failures = 0;
  let hardFailures = 0;
  while (!signal.aborted) {
    const started = Date.now();
    let error: unknown = null;
    try {
      const runner = await opts.start();
      const stop = () => void runner.stop().catch(() => undefined);
      if (signal.aborted) stop(); // asked to stop while the runner was starting
      signal.addEventListener("abort", stop, { once: true });
      try {
        await runner.promise;
      } finally {
        signal.removeEventListener("abort", stop);
      }
      if (signal.aborted) return;
      log.warn("job runner stopped on its own; starting a new one");
    } catch (e) {
      if (signal.aborted) return;
      error = e;
      log.error({ err: e instanceof Error ? e.message : String(e) }, "job runner failed; restarting it");
    }
    if (Date.now() - started > HEALTHY_RUN_MS) failures = hardFailures = 0;
    await sleep(reconnectDelay(failures++), signal);
    await opts.waitForDb(signal);
    if (error !== null && !isInfraOutage(error) && ++hardFailures >= MAX_HARD_FAILURES) throw error;
  }
}

/** Probes with `probe` (backoff at most 5 s apart) until it succeeds or the signal aborts. */
export async function waitUntilAnswers(probe: () => Promise<unknown>, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      await probe();
      return;
    } catch {
      await sleep(reconnectDelay(attempt), signal);
    }
  }
}
