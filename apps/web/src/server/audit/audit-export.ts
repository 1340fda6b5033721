import { csvTextCell } from "@scrollintel/core/csv-safe";
import type { iterateAuditEvents } from "@scrollintel/core/services/audit-query-service";

const COLUMNS = [
  "seq",
  "createdAt",
  "action",
  "actorType",
  "actorId",
  "target",
  "ip",
  "userAgent",
  "metadata",
  "prevHash",
  "hash",
] as const;

function csvCell(v: unknown): string {
  const s =
    v === null || v === undefined
      ? ""
      : v instanceof Date
        ? v.toISOString()
        : typeof v === "object"
          ? JSON.stringify(v)
          : String(v);
  // Actions, targets, user agents and metadata carry text others chose: never a live formula.
  return csvTextCell(s);
}

/** Audit events as NDJSON or CSV, streamed a batch at a time (memory stays flat). */
export function auditExportStream(
  batches: ReturnType<typeof iterateAuditEvents>,
  format: "ndjson" | "csv",
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let headerSent = false;
  return new ReadableStream({
    async pull(controller) {
      if (format === "csv" && !headerSent) {
        headerSent = true;
        controller.enqueue(enc.encode(`${COLUMNS.join(",")}\n`));
        return;
      }
      const next = await batches.next();
      if (next.done) return controller.close();
      const lines = next.value.map((r) => {
        const row = { ...r, id: r.id.toString() };
        return format === "csv" ? COLUMNS.map((c) => csvCell(row[c])).join(",") : JSON.stringify(row);
      });
      controller.enqueue(enc.encode(`${lines.join("\n")}\n`));
    },
    async cancel() {
      await batches.return(undefined);
    },
  });
}
