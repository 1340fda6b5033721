import { createTrpcHandler } from "@/server/http/trpc-handler";
import { webConfig } from "@/env";
import { services } from "@/server/services";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createTrpcHandler(() => ({ ...services(), appUrl: webConfig().NEXTAUTH_URL }));

export { handler as GET, handler as POST };
