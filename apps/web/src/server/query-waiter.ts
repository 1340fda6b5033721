import type { Db } from "@scrollintel/core/db/client";

const DONE = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Waits until a query run leaves QUEUED/RUNNING or `timeoutMs` passes. */
export async function waitForQueryRun(db: Db, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (Date.now() < deadline) {
    const r = await db.queryRun.findUnique({ where: { id }, select: { status: true } });
    if (!r || DONE.has(r.status)) return;
    await new Promise((res) => setTimeout(res, Math.min(delay, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
}
