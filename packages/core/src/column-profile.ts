/** How a column is profiled and drawn. */
export type ProfileKind = "number" | "time" | "string" | "boolean" | "other";

/**
 * One column's profile, computed at ingest over every row: JSON-safe
 * (big numbers and times as strings), stored on the dataset version.
 */
export interface ColumnProfile {
  name: string;
  type: string;
  kind: ProfileKind;
  count: number;
  nulls: number;
  /** Approximate (HyperLogLog). */
  distinct: number;
  min: unknown;
  max: unknown;
  mean: number | null;
  /** Approximate quartiles (t-digest). */
  quantiles: { q25: unknown; q50: unknown; q75: unknown } | null;
  /** Strings: the most frequent values with exact counts. */
  top: { value: string; count: number }[];
  /** Numbers and times: equal-width bins labelled by their upper edge; booleans: one bin per value. */
  histogram: { label: string; count: number }[];
  /** Distinct, mean, quartiles, top values and histogram were estimated from a sample of evenly spaced row slices. */
  sampled: boolean;
}
