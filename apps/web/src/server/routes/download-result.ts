import { Readable } from "node:stream";
import { DomainError } from "@scrollintel/core/errors";
import { EXPORT_FORMATS, getExportDownload, type ExportFormat } from "@scrollintel/core/services/query-export-service";
import type { TenantCall } from "@/server/http/edge-route";

/**
 * Streams a full query result (Parquet as stored, or the CSV the worker wrote)
 * from storage to the client, chunk by chunk: the web never holds a result.
 * Another tenant's query id is 404.
 */
export async function downloadResult({ req, params, tenant, deps }: TenantCall<{ id: string }>): Promise<Response> {
  const format = new URL(req.url).searchParams.get("format") ?? "parquet";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new DomainError("BAD_REQUEST", "format must be csv or parquet");
  }
  const file = await getExportDownload(deps.db, tenant, { id: params.id, format: format as ExportFormat });
  const stat = await deps.storage.stat(file.key);
  if (!stat) throw new DomainError("NOT_FOUND", "This result is no longer stored; run the query again.");
  const body = Readable.toWeb(await deps.storage.get(file.key)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": file.contentType,
      "content-length": String(stat.size),
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "private, no-store",
    },
  });
}
