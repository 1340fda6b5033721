import { createHash } from "node:crypto";
import type { ColumnProfile } from "../column-profile";
import type { DatasetAccess } from "./effective-access";
import type { MaskMethod } from "./policy";

/** The same masks as maskSql (effective-access.ts), for values the web shows from stored rows. */
export function maskValue(method: MaskMethod, value: unknown, secret: string): unknown {
  if (value === null || value === undefined) return null;
  if (method === "nullify") return null;
  if (method === "redact") return "***";
  const v = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (method === "hash")
    return createHash("sha256")
      .update(secret + v)
      .digest("hex");
  const at = v.indexOf("@");
  return at > 0 ? `${v.slice(0, 1)}***${v.slice(at)}` : `${v.slice(0, 1)}***`;
}

/** Preview rows (objects by column name) as this reader may see them; none while a row filter applies. */
export function maskPreviewRows(rows: unknown, a: DatasetAccess, secret: string): unknown {
  if (!Array.isArray(rows)) return rows;
  // Stored first rows were taken before any filter: which of them this reader may see is not known here.
  if (a.rowFilters.length) return [];
  const masked = Object.entries(a.masks);
  if (!masked.length) return rows;
  return rows.map((row) => {
    if (!row || typeof row !== "object") return row;
    const out: Record<string, unknown> = Array.isArray(row) ? [...row] : { ...row };
    for (const [c, m] of masked) if (c in out) out[c] = maskValue(m, out[c], secret);
    return out;
  });
}

/** A profile as one reader sees it: counts are null where a row filter makes them counts of rows it may not see. */
export type ReaderColumnProfile = Omit<ColumnProfile, "count" | "sampleRows"> & {
  count: number | null;
  sampleRows: number | null;
  masked?: MaskMethod | "filtered";
};

/**
 * A column profile without anything that reveals values: a masked column
 * keeps its name, type and row count; with a row filter every column keeps
 * only its name and type (the stored profile counts rows this reader may not see).
 */
export function maskProfile(p: ColumnProfile, a: DatasetAccess): ReaderColumnProfile {
  const method = a.masks[p.name];
  if (!method && !a.rowFilters.length) return p;
  const filtered = a.rowFilters.length > 0;
  return {
    ...p,
    count: filtered ? null : p.count,
    sampleRows: filtered ? null : p.sampleRows,
    nulls: 0,
    distinct: 0,
    min: null,
    max: null,
    mean: null,
    quantiles: null,
    top: [],
    histogram: [],
    length: null,
    masked: method ?? "filtered",
  };
}
