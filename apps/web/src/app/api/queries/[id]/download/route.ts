import { tenantRoute } from "@/server/http/edge-route";
import { downloadResult } from "@/server/routes/download-result";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/queries/:id/download?format=csv|parquet: same caller and tenant rules as tRPC (query.read). */
export const GET = tenantRoute<{ id: string }>("query.read", downloadResult);
