import { createHash } from "node:crypto";
import { quoteIdent } from "../sql-check";
import { anyMatches, strongerMask, type DatasetPolicy, type MaskMethod, type Principal } from "./policy";
import { namesInRowFilter, parseRowFilter, rowFilterSql } from "./row-filter";

/** What one reader gets of one dataset. */
export interface DatasetAccess {
  visible: boolean;
  /** Column name -> the mask applied to it for this reader. */
  masks: Record<string, MaskMethod>;
  /** The row filter predicates (as written) that apply; all of them must hold. */
  rowFilters: string[];
}

export function accessFor(policy: DatasetPolicy, p: Principal): DatasetAccess {
  const visible = policy.visibility === "everyone" || anyMatches(policy.allow, p);
  const masks: Record<string, MaskMethod> = {};
  for (const m of policy.masks) {
    if (anyMatches(m.subjects, p)) masks[m.column] = strongerMask(masks[m.column], m.method);
  }
  const rowFilters = policy.rowFilters.filter((f) => anyMatches(f.subjects, p)).map((f) => f.predicate);
  return { visible, masks, rowFilters };
}

/**
 * The access as it applies to a version with these columns. A mask or row
 * filter naming a column the version does not have (renamed by a re-ingest,
 * say) cannot be applied, so the reader gets nothing of the dataset until the
 * policy is saved again (fail closed), rather than the renamed column in clear.
 */
export function fitAccess(a: DatasetAccess, columns: string[]): DatasetAccess {
  if (!a.visible) return a;
  const known = new Set(columns);
  const named = [
    ...Object.keys(a.masks),
    ...a.rowFilters.flatMap((f) => {
      try {
        return namesInRowFilter(parseRowFilter(f)).columns;
      } catch {
        return ["\0unparsable"];
      }
    }),
  ];
  return named.every((c) => known.has(c)) ? a : { visible: false, masks: {}, rowFilters: [] };
}

export function isUnrestricted(a: DatasetAccess): boolean {
  return a.visible && Object.keys(a.masks).length === 0 && a.rowFilters.length === 0;
}

/** The row filters of one reader as one DuckDB predicate (their attributes bound as literals), or null. */
export function whereSqlFor(a: DatasetAccess, attrs: Record<string, string>): string | null {
  if (!a.rowFilters.length) return null;
  return a.rowFilters.map((f) => rowFilterSql(parseRowFilter(f), attrs)).join(" AND ");
}

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * One column's masked value in DuckDB SQL. The raw value never leaves the
 * expression, so LIKE, min/max or joins on the view's column see only this.
 * `hash` is keyed with the tenant's secret: equal values hash equal within
 * the tenant (joins work), and no other tenant can recompute them.
 */
export function maskSql(method: MaskMethod, column: string, secret: string): string {
  const c = quoteIdent(column);
  const v = `CAST(${c} AS VARCHAR)`;
  switch (method) {
    case "nullify":
      return `CASE WHEN FALSE THEN ${c} END`;
    case "redact":
      return `CASE WHEN ${c} IS NULL THEN NULL ELSE '***' END`;
    case "hash":
      return `CASE WHEN ${c} IS NULL THEN NULL ELSE sha256(${lit(secret)} || ${v}) END`;
    case "partial":
      return `CASE WHEN ${c} IS NULL THEN NULL WHEN strpos(${v}, '@') > 1 THEN left(${v}, 1) || '***' || substr(${v}, strpos(${v}, '@')) ELSE left(${v}, 1) || '***' END`;
  }
}

/** The view's select list for one reader: every column, the masked ones replaced. */
export function selectSqlFor(a: DatasetAccess, secret: string): string {
  const cols = Object.entries(a.masks);
  if (!cols.length) return "*";
  return `* REPLACE (${cols.map(([c, m]) => `${maskSql(m, c, secret)} AS ${quoteIdent(c)}`).join(", ")})`;
}

/**
 * A digest of everything that decides what this reader sees: which datasets,
 * which masks, which filters with which attribute values. Two readers with
 * equal digests see equal data, so they may share cached results and
 * sandbox instances; different digests never do.
 */
export function accessDigest(
  entries: { datasetId: string; access: DatasetAccess }[],
  attrs: Record<string, string>,
): string {
  const lines = entries
    .filter((e) => !isUnrestricted(e.access))
    .map((e) => {
      const a = e.access;
      if (!a.visible) return `${e.datasetId}\thidden`;
      const masks = Object.entries(a.masks)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([c, m]) => `${c}=${m}`);
      return `${e.datasetId}\t${JSON.stringify(masks)}\t${whereSqlFor(a, attrs) ?? ""}`;
    })
    .sort();
  if (!lines.length) return "open";
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
