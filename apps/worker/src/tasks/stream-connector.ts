import type { Task } from "graphile-worker";
import { JOBS } from "@scrollintel/core/jobs";
import {
  commitConnectorBatch,
  connectorJobKey,
  loadConnector,
  recordConnectorError,
} from "@scrollintel/core/services/stream-connector-service";
import type { SourceConnector } from "@scrollintel/core/stream/source-connector";
import { NatsSource } from "../connectors/nats-source";
import type { WorkerDeps } from "../worker-deps";

/** How long one job consumes before it hands the slot back and requeues itself. */
export const CONSUME_MS = 10_000;
const MAX_MESSAGES = 10_000;
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * stream-connector: pulls a connected source into segments of its streaming
 * dataset for a while, each batch committed with the source position (so
 * redelivery after a crash adds nothing twice), then requeues itself.
 */
export function makeStreamConnectorTask(deps: WorkerDeps, opts: { consumeMs?: number } = {}): Task {
  return async (payload, helpers) => {
    const { connectorId } = JOBS["stream-connector"].parse(payload);
    const c = await loadConnector(deps.db, deps.config, connectorId);
    if (!c || c.status !== "ACTIVE") return;
    const until = Date.now() + (opts.consumeMs ?? CONSUME_MS);
    let source: SourceConnector | null = null;
    try {
      source = await NatsSource.open(c.config, c.credentials);
      while (Date.now() < until) {
        const batch = await source.pull({
          after: c.position,
          maxMessages: MAX_MESSAGES,
          maxBytes: MAX_BYTES,
          waitMs: 1000,
        });
        if (!batch) continue;
        const ok = await commitConnectorBatch(deps.db, deps.storage, c, batch);
        if (!ok) return; // another job of this connector moved on: it carries on
      }
    } catch (e) {
      await recordConnectorError(deps.db, connectorId, e instanceof Error ? e.message : String(e)).catch(
        () => undefined,
      );
      throw e; // graphile-worker retries with backoff
    } finally {
      await source?.close().catch(() => undefined);
    }
    await helpers.addJob(
      "stream-connector",
      { connectorId },
      { jobKey: connectorJobKey(connectorId), maxAttempts: 1000 },
    );
  };
}
