import type { Db } from "../db/client";
import { QUERY_DONE_CHANNEL } from "../jobs";
import { jsonSafe } from "./audit-service";
import { systemTx } from "../db/scoped";

/** Marks a queued run RUNNING; null when it was already handled (a retried job). */
export async function startQueryRun(db: Db, id: string) {
  return systemTx(db, async (tx) => {
    const n = await tx.queryRun.updateMany({ where: { id, status: "QUEUED" }, data: { status: "RUNNING" } });
    if (n.count !== 1) return null;
    await tx.job.updateMany({
      where: { targetId: id, kind: "query" },
      data: { status: "RUNNING", startedAt: new Date() },
    });
    return tx.queryRun.findUniqueOrThrow({ where: { id } });
  });
}

export type QueryOutcome =
  | {
      status: "SUCCEEDED";
      columns: { name: string; type: string }[];
      previewRows: unknown[];
      rowCount: bigint;
      durationMs: number;
    }
  | { status: "FAILED" | "CANCELLED"; error: string; durationMs: number };

/** Records the outcome and wakes whoever waits for it (NOTIFY), in one transaction. */
export async function finishQueryRun(db: Db, id: string, outcome: QueryOutcome): Promise<void> {
  const now = new Date();
  await systemTx(db, async (tx) => {
    await tx.queryRun.update({
      where: { id },
      data:
        outcome.status === "SUCCEEDED"
          ? {
              status: "SUCCEEDED",
              columns: outcome.columns,
              previewRows: JSON.parse(JSON.stringify(outcome.previewRows, jsonSafe)) as object[],
              rowCount: outcome.rowCount,
              durationMs: outcome.durationMs,
              finishedAt: now,
            }
          : { status: outcome.status, error: outcome.error, durationMs: outcome.durationMs, finishedAt: now },
    });
    await tx.job.updateMany({
      where: { targetId: id, kind: "query" },
      data: { status: outcome.status, finishedAt: now, error: outcome.status === "SUCCEEDED" ? null : outcome.error },
    });
    await tx.$executeRaw`SELECT pg_notify(${QUERY_DONE_CHANNEL}, ${id})`;
  });
}
