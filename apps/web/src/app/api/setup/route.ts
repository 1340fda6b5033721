import { completeSetupRoute } from "@/server/routes/complete-setup";
import { edgeRoute } from "@/server/http/edge-route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/setup {token, name, password}: the first platform admin, from the one-time link. */
export const POST = edgeRoute<object>(completeSetupRoute);
