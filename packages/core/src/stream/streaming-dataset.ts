import type { Sql } from "../db/sql";
import { DomainError } from "../errors";
import { newId } from "../keys";
import { refuseTrashedStreamName } from "../services/stream-trash";
import { DATASET_NAME } from "../sql-check";

export interface StreamingDataset {
  id: string;
  versionId: string;
}

/**
 * The streaming dataset named `name`, created on its first batch: a READY
 * dataset whose version 1 grows by compacted parts (its columns come from the
 * first compaction). A dataset loaded from files under that name is a 409, and
 * so is a streaming dataset of that name in the trash (not a new one beside it).
 */
export async function ensureStreamingDataset(
  sql: Sql,
  input: { tenantId: string; name: string; createdBy: string },
): Promise<StreamingDataset> {
  if (!DATASET_NAME.test(input.name)) {
    throw new DomainError(
      "BAD_REQUEST",
      "dataset: a name of lowercase letters, digits and _ starting with a letter (at most 63 characters).",
    );
  }
  const found = await findByName(sql, input.tenantId, input.name);
  if (found) return found;
  await refuseTrashedStreamName(sql, input.tenantId, input.name);
  const id = newId();
  const created = await sql.query<{ id: string }>(
    `INSERT INTO "Dataset" (id, "tenantId", name, status, "createdBy", "updatedAt", "readyVersion", streaming, "createdAt")
     VALUES ($1, $2, $3, 'READY', $4, now() AT TIME ZONE 'UTC', 1, true, now() AT TIME ZONE 'UTC')
     ON CONFLICT ("tenantId", name, "trashSlot") DO NOTHING RETURNING id`,
    [id, input.tenantId, input.name, input.createdBy],
  );
  if (created.length) {
    const versionId = newId();
    await sql.query(
      `INSERT INTO "DatasetVersion" (id, "tenantId", "datasetId", version, status, "uploadId", "sourceBytes", "finishedAt", "createdAt")
       VALUES ($1, $2, $3, 1, 'READY', '', 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC') RETURNING 1 AS ok`,
      [versionId, input.tenantId, id],
    );
    return { id, versionId };
  }
  const raced = await findByName(sql, input.tenantId, input.name);
  if (!raced) throw new DomainError("CONFLICT", `dataset ${input.name} is being created; retry.`);
  return raced;
}

async function findByName(sql: Sql, tenantId: string, name: string): Promise<StreamingDataset | null> {
  const rows = await sql.query<{ id: string; streaming: boolean; versionId: string | null }>(
    `SELECT d.id, d.streaming, v.id AS "versionId"
       FROM "Dataset" d LEFT JOIN "DatasetVersion" v ON v."datasetId" = d.id AND v.version = 1
      WHERE d."tenantId" = $1 AND d.name = $2 AND d."trashSlot" = ''`,
    [tenantId, name],
  );
  const d = rows[0];
  if (!d) return null;
  if (!d.streaming || !d.versionId) {
    throw new DomainError("CONFLICT", `dataset: ${name} was loaded from files; send events to a new dataset name.`);
  }
  return { id: d.id, versionId: d.versionId };
}
