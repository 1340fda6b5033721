import { startAuditExport } from "@scrollintel/core/services/audit-query-service";
import { auditExportStream } from "@/server/audit/audit-export";
import type { TenantCall } from "@/server/http/edge-route";

function dateParam(v: string | null): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The tenant's audit events as NDJSON or CSV, filtered as the audit view is. */
export async function exportAudit({ req, tenant, deps }: TenantCall<object>): Promise<Response> {
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "ndjson";
  const filter = {
    action: url.searchParams.get("action") || undefined,
    actorId: url.searchParams.get("actorId") || undefined,
    target: url.searchParams.get("target") || undefined,
    from: dateParam(url.searchParams.get("from")),
    to: dateParam(url.searchParams.get("to")),
  };
  const batches = await startAuditExport(deps.db, tenant, filter, format);
  const name = `audit-${tenant.slug}-${new Date().toISOString().slice(0, 10)}.${format}`;
  return new Response(auditExportStream(batches, format), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-disposition": `attachment; filename="${name}"`,
    },
  });
}
