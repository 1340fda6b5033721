import { reconnectDelay } from "../db/patient-pool";
import { isInfraOutage } from "../infra-outage";

/**
 * Runs an idempotent storage call again on transient failures, with backoff
 * (at most 5 s apart), for up to `waitMs` in all; then the last error stands,
 * so a long outage fails the job (which graphile-worker retries) instead of
 * hanging it.
 */
export async function withStorageRetry<T>(fn: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const left = deadline - Date.now();
      if (left <= 0 || !isInfraOutage(e)) throw e;
      await new Promise((r) => setTimeout(r, Math.min(left, reconnectDelay(attempt + 2))));
    }
  }
}
