import type { Tx } from "../db/client";

type QueryRunRow = NonNullable<Awaited<ReturnType<Tx["queryRun"]["findFirst"]>>>;

/** A run as callers see it: without internal keys, with `cached`, and a cache hit's preview rows. */
export function presentQueryRun(run: QueryRunRow, previewRows: unknown) {
  const { cacheKey: _key, resultKey: _obj, ...rest } = run;
  return { ...rest, previewRows: previewRows as QueryRunRow["previewRows"], cached: run.cachedFromId !== null };
}
export type QueryRunView = ReturnType<typeof presentQueryRun>;

/** One run of the tenant, or null; a cache hit reads its preview from the run it reuses. */
export async function readQueryRun(tx: Tx, tenantId: string, id: string): Promise<QueryRunView | null> {
  const r = await tx.queryRun.findFirst({ where: { id, tenantId } });
  if (!r) return null;
  if (!r.cachedFromId) return presentQueryRun(r, r.previewRows);
  const src = await tx.queryRun.findFirst({ where: { id: r.cachedFromId, tenantId }, select: { previewRows: true } });
  return presentQueryRun(r, src?.previewRows ?? []);
}
