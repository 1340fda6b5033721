import { webConfig } from "@/env";
import { edgeRoute } from "@/server/http/edge-route";
import { createServeMetrics } from "@/server/routes/serve-metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = edgeRoute<object>(createServeMetrics(() => webConfig().METRICS_TOKEN));
