/** How a column is profiled and drawn. */
export type ProfileKind = "number" | "time" | "string" | "boolean" | "list" | "struct" | "map" | "other";

/**
 * One column's profile, computed at ingest: JSON-safe (big numbers and
 * times as strings), stored on the dataset version. Every figure is exact
 * over all rows except `distinct` (a HyperLogLog estimate, the only one) and
 * `histogram` (numbers and times), `top` and `quantiles`, which are exact
 * counts within a deterministic sample of `sampleRows` rows spread over the
 * whole file (all rows when `sampleRows === count`).
 */
export interface ColumnProfile {
  name: string;
  type: string;
  kind: ProfileKind;
  /** Rows in the version. */
  count: number;
  nulls: number;
  /** Estimated (HyperLogLog over every row, about 1% standard error). */
  distinct: number;
  min: unknown;
  max: unknown;
  /** Numbers only; exact (integer and decimal sums are exact, float sums compensated). */
  mean: number | null;
  /** Exact quartiles of the sampled rows (numbers and times). */
  quantiles: { q25: unknown; q50: unknown; q75: unknown } | null;
  /** Strings: the most frequent values with their counts in the sampled rows. */
  top: { value: string; count: number }[];
  /** Numbers and times: equal-width bins labelled by their upper edge, counted in the sampled rows; booleans: one bin per value, over every row. */
  histogram: { label: string; count: number }[];
  /** Rows the number and time histograms, top values and quartiles were counted in (`count` when every row). */
  sampleRows: number;
  /** Lists and maps: entries per non-null value, exact. */
  length: { min: number; max: number; mean: number } | null;
  /** Lists: the element type; maps: "KEY → VALUE". */
  elementType: string | null;
  /** Structs: their fields. */
  fields: { name: string; type: string }[] | null;
}

/** Whether histograms, top values and quartiles came from a sample rather than every row. */
export function isSampled(p: Pick<ColumnProfile, "count" | "sampleRows">): boolean {
  return p.sampleRows < p.count;
}
