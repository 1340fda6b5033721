import { isInfraOutage } from "@scrollintel/core/infra-outage";
import type { Logger } from "@scrollintel/core/logger";

/**
 * Failures nobody awaited that only mean "a dependency is away right now":
 * a lost PostgreSQL or storage connection (graphile-worker and pg fire some
 * writes and events without a handler), or graphile-worker refusing a job
 * result after its pool stopped. The work they belonged to is taken over by
 * the heartbeat (liveness/), so the process carries on.
 */
export function isToleratedFailure(e: unknown): boolean {
  if (isInfraOutage(e)) return true;
  return e instanceof Error && /This batcher has been released/.test(e.message);
}

/**
 * Process-wide handlers: tolerated failures are logged and the worker keeps
 * running; anything else is a bug, and the process exits non-zero so its
 * supervisor restarts it from a clean state.
 */
export function installProcessGuards(log: Logger): void {
  const handle = (kind: string) => (e: unknown) => {
    const err = e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) };
    if (isToleratedFailure(e)) {
      log.warn({ err: err.message, kind }, "dependency unavailable; carrying on");
      return;
    }
    log.fatal({ err, kind }, "worker bug: exiting so the supervisor restarts it");
    process.stderr.write(`${kind}: ${err.message}\n`);
    process.exit(1);
  };
  process.on("unhandledRejection", handle("unhandledRejection"));
  process.on("uncaughtException", handle("uncaughtException"));
}
