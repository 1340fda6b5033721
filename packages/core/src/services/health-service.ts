import type { Db } from "../db/client";
import type { StorageDriver } from "../storage/storage-driver";

export interface HealthReport {
  ok: boolean;
  db: "up" | "down";
  queue: { queued: number; running: number } | null;
  /** Present when the caller asked about storage too (the worker does). */
  storage?: "up" | "down";
  error?: string;
}

/** A health probe answers within this long, or counts as down: a probe must never hang. */
const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined); // a late failure after the timeout is not an unhandled rejection
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function probeQueue(db: Db) {
  const rows = await db.$queryRaw<{ queued: bigint; running: bigint }[]>`
    SELECT count(*) FILTER (WHERE locked_at IS NULL) AS queued,
           count(*) FILTER (WHERE locked_at IS NOT NULL) AS running
      FROM graphile_worker.jobs`;
  const r = rows[0]!;
  return { queued: Number(r.queued), running: Number(r.running) };
}

/**
 * DB reachability and job-queue depth, as both apps' health endpoints report
 * them, and with `storage` whether the object store answers a cheap request.
 * `ok` is false (degraded) while either is down; nothing here throws.
 */
export async function checkHealth(
  db: Db,
  opts: { storage?: StorageDriver; timeoutMs?: number } = {},
): Promise<HealthReport> {
  const ms = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  const [queue, storage] = await Promise.allSettled([
    withTimeout(probeQueue(db), ms, "the database"),
    opts.storage ? withTimeout(opts.storage.probe(), ms, "storage") : Promise.resolve(),
  ]);
  const report: HealthReport = {
    ok: queue.status === "fulfilled" && storage.status === "fulfilled",
    db: queue.status === "fulfilled" ? "up" : "down",
    queue: queue.status === "fulfilled" ? queue.value : null,
  };
  if (opts.storage) report.storage = storage.status === "fulfilled" ? "up" : "down";
  // Which dependency is down, never the driver's message (hosts, ports): /api/health is public.
  const errors = [
    ...(queue.status === "rejected" ? ["the database does not answer"] : []),
    ...(storage.status === "rejected" ? ["storage does not answer"] : []),
  ];
  if (errors.length) report.error = errors.join("; ");
  return report;
}
