import { isDomainError } from "@scrollintel/core/errors";
import { startAuditExport } from "@scrollintel/core/services/audit-query-service";
import { auditExportStream } from "@/server/audit/audit-export";
import { resolveCaller, requestMeta } from "@/server/auth/resolve-caller";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { services } from "@/server/services";
import { domainErrorResponse, plainResponse } from "@/server/trpc/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

function dateParam(v: string | null): Date | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** GET /api/audit/export?format=ndjson|csv&action=&actorId=&target=&from=&to= */
export async function GET(req: Request) {
  const { db } = services();
  const url = new URL(req.url);
  const format = url.searchParams.get("format") === "csv" ? "csv" : "ndjson";
  try {
    const caller = await resolveCaller(db, req);
    if (!caller) return plainResponse(401, "Sign in or send an API key.");
    const ctx = await resolveTenantCtx(db, caller, requestMeta(req));
    const filter = {
      action: url.searchParams.get("action") || undefined,
      actorId: url.searchParams.get("actorId") || undefined,
      target: url.searchParams.get("target") || undefined,
      from: dateParam(url.searchParams.get("from")),
      to: dateParam(url.searchParams.get("to")),
    };
    const batches = await startAuditExport(db, ctx, filter, format);
    const name = `audit-${ctx.slug}-${new Date().toISOString().slice(0, 10)}.${format}`;
    return new Response(auditExportStream(batches, format), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
        "content-disposition": `attachment; filename="${name}"`,
      },
    });
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(e);
    throw e;
  }
}
