import { edgeRoute } from "@/server/http/edge-route";
import { reportReadiness } from "@/server/routes/health";

export const dynamic = "force-dynamic";

export const GET = edgeRoute<object>(reportReadiness);
