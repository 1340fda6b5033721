import type { Tx } from "../db/client";
import { datasetVersionPrefix } from "../keys";

export interface VersionObjects {
  id: string;
  version: number;
  storedBytes: bigint;
  files: string[];
  /** The parts this version wrote itself (an append lists its base's parts too; those are the base's). */
  own: string[];
}

/** Every version of a dataset with its Parquet keys, and the distinct keys once (appends share parts). */
export async function readDatasetObjects(tx: Tx, datasetId: string) {
  const rows = await tx.datasetVersion.findMany({
    where: { datasetId },
    select: { id: true, tenantId: true, version: true, storedBytes: true, files: true },
    orderBy: { version: "asc" },
  });
  const versions: VersionObjects[] = rows.map((v) => {
    const files = (v.files as string[] | null) ?? [];
    const prefix = datasetVersionPrefix(v.tenantId, datasetId, v.version);
    return { ...v, files, own: files.filter((f) => f.startsWith(prefix)) };
  });
  const keys = [...new Set(versions.flatMap((v) => v.files))];
  return { versions, keys };
}
