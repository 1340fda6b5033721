import type pg from "pg";

export interface ObjectReferences {
  /** Keys rows name exactly (Parquet parts, stored results, exports). */
  exact: Set<string>;
  /** Upload keys and whether the upload finished (its object must then exist). */
  uploads: Map<string, { complete: boolean }>;
  /**
   * Keys that may or may not hold an object: the Parquet of a dataset that is
   * archived or moving between tiers lives at its key (S3 storage class) or its
   * archive key (local disk), or partly at each while it moves.
   */
  optional: Set<string>;
}

/**
 * Every object key the database names, read in the backup's snapshot. Each
 * column that holds an object key belongs in this query: an object it misses
 * is listed as unreferenced and not restored.
 */
const VERSION_FILES = `
  FROM public."DatasetVersion" v JOIN public."Dataset" d ON d.id = v."datasetId",
       jsonb_array_elements_text(v.files::jsonb) AS f(key)`;
const REFERENCES_SQL = `
  SELECT DISTINCT f.key, 'exact' AS kind ${VERSION_FILES} WHERE d."archiveStatus" = 'WARM'
  UNION SELECT f.key, 'optional' ${VERSION_FILES} WHERE d."archiveStatus" <> 'WARM'
  UNION SELECT regexp_replace(f.key, '^(tenants/[^/]+/)', '\\1archive/'), 'optional'
    ${VERSION_FILES} WHERE d."archiveStatus" <> 'WARM'
  UNION SELECT "resultKey", 'exact' FROM public."QueryRun" WHERE "resultKey" IS NOT NULL
  UNION SELECT "objectKey", 'exact' FROM public."QueryExport" WHERE "objectKey" IS NOT NULL
  UNION SELECT "storageKey", status::text FROM public."Upload" WHERE status IN ('CREATED', 'COMPLETE')`;

export async function findObjectReferences(c: pg.ClientBase): Promise<ObjectReferences> {
  const r = await c.query<{ key: string; kind: string }>(REFERENCES_SQL);
  const refs: ObjectReferences = { exact: new Set(), uploads: new Map(), optional: new Set() };
  for (const row of r.rows) {
    if (row.kind === "exact") refs.exact.add(row.key);
    else if (row.kind === "optional") refs.optional.add(row.key);
    else refs.uploads.set(row.key, { complete: row.kind === "COMPLETE" });
  }
  return refs;
}

/**
 * Whether a stored key is one the snapshot references: named exactly, or an
 * upload's object or one of the tus store's side objects (`<key>.info`, `.part`,
 * `.json`; upload ids are letters and digits, so the suffix starts at the last dot).
 */
export function isReferenced(refs: ObjectReferences, key: string): boolean {
  if (refs.exact.has(key) || refs.optional.has(key) || refs.uploads.has(key)) return true;
  const dot = key.lastIndexOf(".");
  return dot > key.lastIndexOf("/") && refs.uploads.has(key.slice(0, dot));
}

/** Referenced keys storage did not hold (an unfinished upload may not have bytes yet). */
export function findMissing(refs: ObjectReferences, present: Set<string>): { key: string; reason: string }[] {
  const missing = [...refs.exact]
    .filter((k) => !present.has(k))
    .map((key) => ({ key, reason: "named by the database, not in storage" }));
  for (const [key, u] of refs.uploads)
    if (u.complete && !present.has(key)) missing.push({ key, reason: "finished upload, not in storage" });
  return missing;
}
