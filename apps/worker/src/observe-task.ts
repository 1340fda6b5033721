import type { JobHelpers, Task, TaskList, WorkerEvents } from "graphile-worker";
import { TENANT_JOBS } from "@scrollintel/core/job-lanes";
import { ZJobOrigin } from "@scrollintel/core/jobs";
import { logContext, type LogFields } from "@scrollintel/core/log-context";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { extractTraceContext, SpanKind, withSpan } from "@scrollintel/core/tracing";

/** A tenant job's queue is one of its tenant's lanes, `t:<tenantId>:<lane>` (core/job-lanes.ts). */
export function tenantOfQueue(queue: string | null | undefined): string | null {
  const m = /^t:([^:]+):/.exec(queue ?? "");
  return m ? m[1]! : null;
}

/**
 * Wraps one task: the job's ids on every log line, a span continuing the
 * trace of the request that added the job (the context the job row carries),
 * the job duration by outcome and the tenant's slot held while it runs.
 */
export function observeTask(name: string, task: Task): Task {
  const m = workerMetrics();
  return async (payload, helpers: JobHelpers) => {
    const origin = ZJobOrigin.safeParse(payload);
    const carried = origin.success ? origin.data : {};
    const t0 = performance.now();
    const fields: LogFields = {
      jobId: String(helpers.job.id),
      task: name,
      ...(carried._requestId ? { requestId: carried._requestId } : {}),
    };
    // The queue name is looked up (batched, then cached) beside the job, never in front of it.
    let release = () => {};
    let finished = false;
    void Promise.resolve(TENANT_JOBS.has(name) ? helpers.getQueueName() : null)
      .then(
        (q) => tenantOfQueue(q),
        () => null,
      )
      .then((tenantId) => {
        if (tenantId) fields.tenantId ??= tenantId;
        if (!finished) release = m.slots.take(tenantId);
      });
    let outcome = "error";
    try {
      await logContext.run(fields, () =>
        withSpan(
          `job ${name}`,
          {
            kind: SpanKind.CONSUMER,
            parent: extractTraceContext(carried._trace),
            attributes: { "job.id": String(helpers.job.id), "job.task": name, "job.attempt": helpers.job.attempts },
          },
          async () => {
            await task(payload, helpers);
          },
        ),
      );
      outcome = "success";
    } finally {
      finished = true;
      release();
      m.jobDuration.observe({ task: name, outcome }, (performance.now() - t0) / 1000);
    }
  };
}

export function observeTasks(list: TaskList): TaskList {
  return Object.fromEntries(Object.entries(list).map(([name, task]) => [name, observeTask(name, task!)]));
}

/** Queue wait (run_at to start) per task, and jobs that failed for good, from graphile-worker's events. */
export function observeQueueEvents(events: WorkerEvents): void {
  const m = workerMetrics();
  events.on("job:start", ({ job }) => {
    const wait = (Date.now() - new Date(job.run_at).getTime()) / 1000;
    m.jobWait.observe({ task: job.task_identifier }, Math.max(0, wait));
  });
  events.on("job:failed", ({ job }) => m.jobsFailed.inc({ task: job.task_identifier }));
}
