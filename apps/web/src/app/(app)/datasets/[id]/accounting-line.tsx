import { describeAccounting } from "@scrollintel/core/ingest-accounting";
import type { VersionSummary } from "./dataset-types";

/** "200,000 read · 199,999 stored · 1 rejected": where every record of the version's file went. */
export function accountingOf(v: Pick<VersionSummary, "recordsRead" | "ingestedRows" | "rejectedRows">): string | null {
  // Null under a row filter: the counts are of rows this reader may not see.
  if (v.recordsRead === null || v.ingestedRows === null || v.rejectedRows === null) return null;
  return describeAccounting({ read: v.recordsRead, stored: v.ingestedRows, rejected: v.rejectedRows });
}
