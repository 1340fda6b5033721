// What the backup benchmark compares: each READY dataset's row count and a
// checksum of its rows, read by DuckDB from the Parquet parts in storage, and
// every tenant's audit chain.
import path from "node:path";
import { closeDuck, lit, openDuck } from "../apps/worker/src/duck/open-duck";
import type { Db } from "@scrollintel/core/db/client";
import { verifyAuditChain } from "@scrollintel/core/services/audit-query-service";
import type { LocalStorage } from "@scrollintel/core/storage/local-storage";

export interface DatasetSum {
  rows: string;
  recordedRows: string;
  checksum: string;
}

/** datasetId → its queried version's rows and sum(hash(row)) over its Parquet parts. */
export async function datasetSums(db: Db, storage: LocalStorage, scratch: string): Promise<Record<string, DatasetSum>> {
  const duck = await openDuck({ memoryLimit: "1GB", threads: 2, tempDir: path.join(scratch, "duck-check") });
  const out: Record<string, DatasetSum> = {};
  try {
    const versions = await db.datasetVersion.findMany({ where: { status: "READY" }, include: { dataset: true } });
    for (const v of versions.filter((x) => x.version === x.dataset.readyVersion)) {
      const files = (v.files as string[]).map((k) => lit(storage.localPath(k))).join(", ");
      const r = await duck.conn.runAndReadAll(
        `SELECT count(*)::VARCHAR AS n, sum(hash(t)::HUGEINT)::VARCHAR AS s FROM read_parquet([${files}]) t`,
      );
      const [n, s] = r.getRows()[0] as [string, string];
      out[v.datasetId] = { rows: n, recordedRows: v.rowCount.toString(), checksum: s };
    }
  } finally {
    closeDuck(duck);
  }
  return out;
}

/** Every tenant's chain from its first event; false at the first break. */
export async function verifyAllAuditChains(db: Db): Promise<{ ok: boolean; events: number }> {
  let events = 0;
  for (const t of await db.tenant.findMany()) {
    const r = await verifyAuditChain(db, t.id, "system");
    if (!r.ok) return { ok: false, events };
    events += r.checked;
  }
  return { ok: true, events };
}
