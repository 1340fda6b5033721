import { ARCHIVE_STATUS } from "../archive-status";
import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { readRetentionPolicy } from "../retention-policy";

export interface ColdDataset {
  tenantId: string;
  datasetId: string;
}

/**
 * Datasets to move to the cold tier now: those of tenants with an
 * archiveAfterDays policy whose every version went unqueried that long
 * (a version never queried counts from when it was made), with no ingest
 * running; plus any left ARCHIVING by a worker that stopped mid-move.
 */
export async function findColdDatasets(db: Db, now = new Date()): Promise<ColdDataset[]> {
  return systemTx(db, async (tx) => {
    const stuck = await tx.dataset.findMany({
      where: { archiveStatus: ARCHIVE_STATUS.ARCHIVING },
      select: { tenantId: true, id: true },
    });
    const out: ColdDataset[] = stuck.map((d) => ({ tenantId: d.tenantId, datasetId: d.id }));
    const tenants = await tx.tenantRetention.findMany({
      where: { archiveAfterDays: { not: null } },
      select: { tenantId: true },
    });
    for (const { tenantId } of tenants) {
      const days = (await readRetentionPolicy(tx, tenantId)).archiveAfterDays;
      if (days === null) continue;
      const cutoff = new Date(now.getTime() - days * 86_400_000);
      const rows = await tx.$queryRaw<{ id: string }[]>`
        SELECT d.id FROM "Dataset" d
         WHERE d."tenantId" = ${tenantId} AND d."archiveStatus" = 'WARM' AND d.status = 'READY'
           AND NOT EXISTS (SELECT 1 FROM "DatasetVersion" v
                            WHERE v."datasetId" = d.id
                              AND (v.status IN ('QUEUED', 'INGESTING')
                                   OR COALESCE(v."lastQueriedAt", v."finishedAt", v."createdAt") >= ${cutoff}))`;
      out.push(...rows.map((r) => ({ tenantId, datasetId: r.id })));
    }
    return out;
  });
}
