import { Readable } from "node:stream";
import { isDomainError } from "@scrollintel/core/errors";
import { EXPORT_FORMATS, getExportDownload, type ExportFormat } from "@scrollintel/core/services/query-export-service";
import { resolveCaller, requestMeta } from "@/server/auth/resolve-caller";
import { resolveTenantCtx } from "@/server/auth/resolve-tenant";
import { services } from "@/server/services";
import { domainErrorResponse, plainResponse as plain } from "@/server/trpc/errors";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Streams a full query result (Parquet as stored, or the CSV the worker wrote)
 * from storage to the client, chunk by chunk: the web never holds a result.
 * Same caller and tenant rules as tRPC (session or API key with the read
 * scope): another tenant's query id is 404.
 */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const format = new URL(req.url).searchParams.get("format") ?? "parquet";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) return plain(400, "format must be csv or parquet");
  const { db, storage } = services();
  try {
    const caller = await resolveCaller(db, req);
    if (!caller) return plain(401, "Sign in or send an API key.");
    const ctx = await resolveTenantCtx(db, caller, requestMeta(req));
    const file = await getExportDownload(db, ctx, { id, format: format as ExportFormat });
    const stat = await storage.stat(file.key);
    if (!stat) return plain(404, "This result is no longer stored; run the query again.");
    const body = Readable.toWeb(await storage.get(file.key)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "content-type": file.contentType,
        "content-length": String(stat.size),
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(e);
    throw e;
  }
}
