import { tenantRoute } from "@/server/http/edge-route";
import { exportAudit } from "@/server/routes/export-audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/audit/export?format=ndjson|csv&action=&actorId=&target=&from=&to= */
export const GET = tenantRoute<object>("audit.read", exportAudit);
