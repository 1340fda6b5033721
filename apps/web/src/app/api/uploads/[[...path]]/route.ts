import { edgeRoute } from "@/server/http/edge-route";
import { createServeUpload, TUS_HEADERS } from "@/server/routes/serve-upload";
import { tusServer } from "@/server/tus/tus-server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = edgeRoute<object>(createServeUpload(tusServer), { errorHeaders: TUS_HEADERS });

export { handler as GET, handler as POST, handler as PATCH, handler as HEAD, handler as DELETE, handler as OPTIONS };
