import type { Db } from "../db/client";

export interface HealthReport {
  ok: boolean;
  db: "up" | "down";
  queue: { queued: number; running: number } | null;
  error?: string;
}

/** DB reachability and job-queue depth, as both apps' health endpoints report them. */
export async function checkHealth(db: Db): Promise<HealthReport> {
  try {
    const rows = await db.$queryRaw<{ queued: bigint; running: bigint }[]>`
      SELECT count(*) FILTER (WHERE locked_at IS NULL) AS queued,
             count(*) FILTER (WHERE locked_at IS NOT NULL) AS running
        FROM graphile_worker.jobs`;
    const r = rows[0]!;
    return { ok: true, db: "up", queue: { queued: Number(r.queued), running: Number(r.running) } };
  } catch (e) {
    return { ok: false, db: "down", queue: null, error: e instanceof Error ? e.message : String(e) };
  }
}
