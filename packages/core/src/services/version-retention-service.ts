import type { Db } from "../db/client";
import { systemTx } from "../db/scoped";
import { TRASH_REASONS } from "../lifecycle/deletion-lifecycle";
import { readRetentionPolicy, type RetentionPolicy } from "../retention-policy";
import { SYSTEM_ACTOR } from "../tenant-context";
import { appendAudit } from "./audit-service";
import { lockDataset, trashVersion } from "./trash-version";

const DAY_MS = 86_400_000;
const IN_FLIGHT = new Set(["QUEUED", "INGESTING"]);

interface VersionRow {
  version: number;
  status: string;
  createdAt: Date;
  storedBytes: bigint;
}

/**
 * The versions the old-version policy retires, newest first among them. A
 * version stays when a rule that is set keeps it (among the newest
 * keepVersions, or younger than versionDays); with neither set nothing goes.
 * Never the queried version, never one still ingesting.
 */
export function versionsToRetire(
  versions: VersionRow[],
  readyVersion: number | null,
  policy: Pick<RetentionPolicy, "keepVersions" | "versionDays">,
  now: Date,
): number[] {
  const { keepVersions, versionDays } = policy;
  if (keepVersions === null && versionDays === null) return [];
  const newestFirst = [...versions].sort((a, b) => b.version - a.version);
  return newestFirst
    .filter((v, rank) => {
      if (v.version === readyVersion || IN_FLIGHT.has(v.status)) return false;
      const keptByCount = keepVersions !== null && rank < keepVersions;
      const keptByAge = versionDays !== null && now.getTime() - v.createdAt.getTime() < versionDays * DAY_MS;
      return !keptByCount && !keptByAge;
    })
    .map((v) => v.version);
}

/** One dataset under its lock: its retired versions into the trash, each audited. */
async function retireDatasetVersions(db: Db, d: { id: string; tenantId: string }, policy: RetentionPolicy, now: Date) {
  return systemTx(db, async (tx) => {
    const ds = await lockDataset(tx, d.tenantId, d.id);
    if (!ds || ds.trashedAt) return 0;
    const versions = await tx.datasetVersion.findMany({
      where: { datasetId: ds.id, trashedAt: null },
      select: { version: true, status: true, createdAt: true, storedBytes: true },
    });
    const retire = versionsToRetire(versions, ds.readyVersion, policy, now);
    for (const version of retire) {
      const v = versions.find((x) => x.version === version)!;
      const r = await trashVersion(tx, {
        dataset: ds,
        version,
        deletedBy: SYSTEM_ACTOR.id,
        reason: TRASH_REASONS.retention,
        storedBytes: v.storedBytes,
      });
      await appendAudit(tx, {
        tenantId: ds.tenantId,
        actor: SYSTEM_ACTOR,
        action: "dataset.deleteVersion",
        target: ds.id,
        metadata: { version, trashItemId: r.trashItemId, reason: TRASH_REASONS.retention, policy },
      });
    }
    return retire.length;
  });
}

/**
 * The old-version policy (worker cron): for every tenant that set
 * keepVersions or versionDays, each live dataset's old versions go to the
 * trash, from where the sweep purges them after trashDays.
 */
export async function applyVersionRetention(db: Db, now = new Date()): Promise<{ retired: number }> {
  const tenants = await systemTx(db, (tx) =>
    tx.tenantRetention.findMany({
      where: { OR: [{ keepVersions: { not: null } }, { versionDays: { not: null } }] },
      select: { tenantId: true },
    }),
  );
  let retired = 0;
  for (const { tenantId } of tenants) {
    const policy = await systemTx(db, (tx) => readRetentionPolicy(tx, tenantId));
    const datasets = await systemTx(db, (tx) =>
      tx.dataset.findMany({ where: { tenantId, trashedAt: null }, select: { id: true, tenantId: true } }),
    );
    for (const d of datasets) retired += await retireDatasetVersions(db, d, policy, now);
  }
  return { retired };
}
