import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { isDomainError, DomainError } from "@scrollintel/core/errors";
import { acceptEventBatch } from "@scrollintel/core/services/event-ingest-service";
import type { RateHeaders } from "@scrollintel/core/stream/stream-pressure";
import { parseBodyEncoding } from "@scrollintel/core/stream/write-segment";
import { requireActive } from "@scrollintel/core/tenant-context";
import { webConfig } from "@/env";
import type { TenantCall } from "@/server/http/edge-route";
import { errorResponse } from "@/server/http/edge-response";

function rateHeaders(r: RateHeaders | undefined): Record<string, string> {
  if (!r) return {};
  return {
    "X-RateLimit-Limit": String(r.limit),
    "X-RateLimit-Remaining": String(r.remaining),
    "X-RateLimit-Reset": String(r.resetSeconds),
  };
}

/**
 * POST /api/events?dataset=NAME: one batch of NDJSON (or a JSON array),
 * answered 200 only once it is durable. 429s carry Retry-After and X-RateLimit-*.
 */
export async function ingestEvents(call: TenantCall<object>): Promise<Response> {
  const { req, tenant, deps } = call;
  requireActive(tenant);
  const config = webConfig();
  const name = new URL(req.url).searchParams.get("dataset");
  if (!name) throw new DomainError("BAD_REQUEST", "dataset: the query parameter ?dataset=NAME is required.");
  const declared = Number(req.headers.get("content-length") ?? "0");
  const max = config.STREAM_MAX_REQUEST_BYTES;
  if (declared > max)
    throw new DomainError("QUOTA_EXCEEDED", `The request body is larger than the limit of ${max} bytes.`);
  if (!req.body) throw new DomainError("BAD_REQUEST", "body: no records (send NDJSON or a JSON array).");
  try {
    const r = await acceptEventBatch(deps.db, deps.storage, {
      tenantId: tenant.tenantId,
      actor: tenant.actor.id,
      reader: tenant,
      datasetName: name,
      body: Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>),
      encoding: parseBodyEncoding(req.headers.get("content-encoding")),
      idempotencyKey: req.headers.get("idempotency-key") ?? undefined,
      maxBytes: max,
      declaredBytes: declared > 0 ? declared : undefined,
      limits: { maxLagBytes: config.STREAM_MAX_LAG_BYTES, maxLagSeconds: config.STREAM_MAX_LAG_SECONDS },
    });
    const body = { successful_rows: r.records, bytes: r.bytes, segment: r.segmentId, duplicate: r.duplicate };
    return Response.json(body, { headers: rateHeaders(r.rate) });
  } catch (e) {
    const rate =
      isDomainError(e) && e.code === "RATE_LIMITED" ? (e.details?.rate as RateHeaders | undefined) : undefined;
    if (!rate) throw e;
    return errorResponse(e, call, rateHeaders(rate));
  }
}
