import type { Tx } from "../db/client";
import type { Sql } from "../db/sql";
import { DomainError } from "../errors";
import type { TrashObject } from "../lifecycle/deletion-lifecycle";

/**
 * How streaming meets the trash. A trashed streaming dataset refuses events
 * (409, nothing stored) instead of a new dataset quietly taking its name;
 * its connectors pause; its acknowledged but uncompacted segments stay, keep
 * counting against the storage quota, compact again once restored, and go
 * with the dataset when the sweep purges it.
 */

export interface StreamTarget {
  name: string;
  trashedAt: Date | null;
}

/**
 * First inside a transaction that changes what a stream stores: its dataset's
 * row (undefined once it is gone), locked so a delete or a purge's tombstone
 * (lockDataset, FOR UPDATE) and the commit queue in one order. Writers of
 * segments lock it as their own UPDATE of it would; compaction and merges
 * take KEY SHARE, which waits for a delete but blocks neither writers nor queries.
 */
export async function lockStreamTarget(
  sql: Sql,
  datasetId: string,
  mode: "NO KEY UPDATE" | "KEY SHARE" = "NO KEY UPDATE",
): Promise<StreamTarget | undefined> {
  const [d] = await sql.query<StreamTarget>(`SELECT name, "trashedAt" FROM "Dataset" WHERE id = $1 FOR ${mode}`, [
    datasetId,
  ]);
  return d;
}

/** The locked target must still be live, so a batch cannot land in a dataset being trashed or swept. */
export function requireLiveStreamTarget(d: StreamTarget | undefined): void {
  if (!d) throw new DomainError("CONFLICT", "dataset: it was deleted for good; nothing of this batch was stored.");
  if (d.trashedAt) throw trashedError(d.name, d.trashedAt);
}

function trashedError(name: string, at: Date): DomainError {
  return new DomainError(
    "CONFLICT",
    `dataset: ${name} is in the trash (deleted ${at.toISOString()}); nothing of this batch was stored. ` +
      "Restore it from the Trash page to keep sending events, or send them under another name.",
    { trashedAt: at.toISOString() },
  );
}

/**
 * Before a batch would create a streaming dataset under `name`: refused while
 * a streaming dataset of that name is in the trash, restorable or being swept.
 */
export async function refuseTrashedStreamName(sql: Sql, tenantId: string, name: string): Promise<void> {
  const [d] = await sql.query<{ trashedAt: Date }>(
    `SELECT d."trashedAt" FROM "Dataset" d
       JOIN "TrashItem" t ON t."datasetId" = d.id AND t.version IS NULL AND t.status IN ('TRASHED', 'PURGING')
      WHERE d."tenantId" = $1 AND d.name = $2 AND d.streaming AND d."trashedAt" IS NOT NULL
      ORDER BY d."trashedAt" DESC LIMIT 1`,
    [tenantId, name],
  );
  if (d) throw trashedError(name, d.trashedAt);
}

/** When a dataset goes to the trash: its connectors stop, saying why (resume is refused until it is restored). */
export async function pauseConnectorsOf(tx: Tx, datasetId: string, name: string): Promise<number> {
  const r = await tx.streamConnector.updateMany({
    where: { datasetId, status: "ACTIVE" },
    data: { status: "PAUSED", lastError: `Paused: dataset ${name} was moved to the trash.` },
  });
  return r.count;
}

/**
 * The segment objects a dataset's purge removes, with the bytes each counts:
 * a pending segment's bytes are in the storage quota (the size its commit
 * added, so exactly that is given back); a compacted one's bytes moved to its
 * part, so it is removed without giving anything back.
 */
export async function planSegmentObjects(tx: Tx, datasetId: string): Promise<TrashObject[]> {
  const segs = await tx.streamSegment.findMany({
    where: { datasetId, objectDeletedAt: null },
    select: { key: true, status: true, bytes: true },
  });
  return segs.map((s) => ({ key: s.key, size: s.status === "PENDING" ? Number(s.bytes) : 0, kind: "segment" }));
}

/** With the purged dataset's rows: its segments, rejects and connectors. */
export async function deleteStreamRows(tx: Tx, datasetId: string): Promise<void> {
  await tx.streamReject.deleteMany({ where: { datasetId } });
  await tx.streamSegment.deleteMany({ where: { datasetId } });
  await tx.streamConnector.deleteMany({ where: { datasetId } });
}
