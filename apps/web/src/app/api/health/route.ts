import { checkHealth } from "@scrollintel/core/services/health-service";
import { services } from "@/server/services";

export const dynamic = "force-dynamic";

export async function GET() {
  const h = await checkHealth(services().db);
  return Response.json(h, { status: h.ok ? 200 : 503 });
}
