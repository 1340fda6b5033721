import { edgeRoute } from "@/server/http/edge-route";
import { serveUpload, TUS_HEADERS } from "@/server/routes/serve-upload";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = edgeRoute<object>(serveUpload, { errorHeaders: TUS_HEADERS });

export { handler as GET, handler as POST, handler as PATCH, handler as HEAD, handler as DELETE, handler as OPTIONS };
