import { edgeRoute } from "@/server/http/edge-route";
import { reportHealth } from "@/server/routes/health";

export const dynamic = "force-dynamic";

export const GET = edgeRoute<object>(reportHealth);
