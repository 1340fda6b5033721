import type { Db } from "@scrollintel/core/db/client";
import type { Logger } from "@scrollintel/core/logger";
import { reportProgress, type IngestProgress } from "@scrollintel/core/services/ingest-service";

/** How often progress is written (worker liveness is the heartbeat in liveness/, not this). */
export const PROGRESS_WRITE_MS = 1000;

export interface IngestReporter {
  update(p: Partial<IngestProgress>): void;
  /** True once the version was found cancelled. */
  readonly cancelled: boolean;
  stop(): Promise<void>;
}

/**
 * Writes the job's progress about once a second, whatever phase it is in,
 * and calls `onCancel` once when the version turns out to be cancelled.
 * Writes never overlap, and a failed write is logged, not fatal.
 */
export function startReporter(opts: {
  db: Db;
  versionId: string;
  totalBytes: number;
  log: Logger;
  onCancel: () => void;
  intervalMs?: number;
}): IngestReporter {
  const started = Date.now();
  const state: IngestProgress = {
    phase: "reading",
    bytesRead: 0,
    totalBytes: opts.totalBytes,
    rows: 0,
    percent: 0,
    etaSeconds: null,
  };
  let cancelled = false;
  let writing: Promise<void> = Promise.resolve();
  const tick = () => {
    writing = writing.then(async () => {
      const elapsed = (Date.now() - started) / 1000;
      const p = state.percent;
      state.etaSeconds = p > 1 && p < 100 ? Math.round((elapsed * (100 - p)) / p) : null;
      try {
        if (!(await reportProgress(opts.db, opts.versionId, state)) && !cancelled) {
          cancelled = true;
          opts.onCancel();
        }
      } catch (e) {
        opts.log.warn({ err: e instanceof Error ? e.message : String(e) }, "progress write failed");
      }
    });
  };
  const timer = setInterval(tick, opts.intervalMs ?? PROGRESS_WRITE_MS);
  tick();
  return {
    update: (p) => Object.assign(state, p),
    get cancelled() {
      return cancelled;
    },
    stop: async () => {
      clearInterval(timer);
      await writing;
    },
  };
}
