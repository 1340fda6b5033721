import { EventEmitter } from "node:events";
import type pg from "pg";
import { Logger as GraphileLogger, run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import type { Logger } from "@scrollintel/core/logger";
import { CRONTAB } from "../crontab";
import type { PoolTracker } from "../liveness/pool-tracker";
import { observeQueueEvents } from "../observe-task";

/**
 * One graphile-worker runner over the given pool. Job results are written in
 * batches (delay 0): a batch that cannot be written stops the runner cleanly
 * (superviseRunner starts the next) where a single write would have been an
 * unhandled rejection. Signals are the caller's to handle.
 */
export function startRunner(opts: {
  pgPool: pg.Pool;
  concurrency: number;
  taskList: TaskList;
  tracker: PoolTracker;
  log: Logger;
}): Promise<Runner> {
  const events = new EventEmitter() as WorkerEvents;
  opts.tracker.attach(events);
  observeQueueEvents(events);
  return run({
    pgPool: opts.pgPool,
    concurrency: opts.concurrency,
    noHandleSignals: true,
    pollInterval: 2000,
    events,
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: new GraphileLogger((scope) => (level, message, meta) => {
      const l = opts.log.child({ scope: scope.label });
      if (level === "error") l.error(meta ?? {}, message);
      else if (level === "warning") l.warn(meta ?? {}, message);
      else l.debug(meta ?? {}, message);
    }),
    crontab: CRONTAB,
    taskList: opts.taskList,
  });
}
