import { edgeRoute } from "@/server/http/edge-route";
import { reportLiveness } from "@/server/routes/health";

export const dynamic = "force-dynamic";

export const GET = edgeRoute<object>(reportLiveness);
