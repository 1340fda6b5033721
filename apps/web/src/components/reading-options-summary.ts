import type { IngestOptions } from "@scrollintel/core/ingest-options";
import { formatBytes } from "@scrollintel/shared/bytes";

/** The reading options a version set (anything not left to detection), in a few words each. */
export function readingOptionsSummary(o: IngestOptions): string[] {
  const parts: string[] = [];
  if (o.encoding !== "auto") parts.push(o.encoding);
  if (o.maxLineBytes) parts.push(`lines ≤ ${formatBytes(o.maxLineBytes)}`);
  if (o.jsonLayout !== "auto") parts.push(`JSON ${o.jsonLayout}`);
  if (o.quote) parts.push(`quote ${JSON.stringify(o.quote)}`);
  if (o.escape) parts.push(`escape ${JSON.stringify(o.escape)}`);
  if (o.nullStrings.length) parts.push(`NULL ${o.nullStrings.map((s) => JSON.stringify(s)).join(", ")}`);
  if (o.dateFormat) parts.push(`dates ${o.dateFormat}`);
  if (o.timestampFormat) parts.push(`timestamps ${o.timestampFormat}`);
  if (o.lineEnds === "normalize") parts.push("LF line ends");
  if (o.flatten) parts.push("flattened");
  return parts;
}
