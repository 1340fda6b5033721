import { tenantRoute } from "@/server/http/edge-route";
import { ingestEvents } from "@/server/routes/ingest-events";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/events?dataset=NAME: NDJSON or a JSON array (gzip/zstd), API key with the events:write scope. */
export const POST = tenantRoute<object>("events.write", ingestEvents);
