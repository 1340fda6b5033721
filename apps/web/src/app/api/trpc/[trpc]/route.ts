import { createTrpcHandler } from "@/server/http/trpc-handler";
import { services } from "@/server/services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createTrpcHandler(services);

export { handler as GET, handler as POST };
