import { z } from "zod";
import { DomainError } from "@scrollintel/core/errors";
import { completeSetup } from "@scrollintel/core/services/setup-service";
import { webConfig } from "@/env";
import { requestMeta } from "@/server/auth/resolve-caller";
import type { EdgeCall } from "@/server/http/edge-route";
import { plainResponse } from "@/server/http/edge-response";
import { refuseUnsafeMutation } from "@/server/http/mutation-guard";

const ZSetupInput = z.object({
  token: z.string().min(20).max(100),
  name: z.string().trim().min(1).max(200),
  password: z.string().min(12).max(200),
});

export async function completeSetupRoute(call: EdgeCall<object>): Promise<Response> {
  const refused = refuseUnsafeMutation(call.req, { appUrl: webConfig().NEXTAUTH_URL });
  if (refused) return refused;
  const length = Number(call.req.headers.get("content-length") ?? "NaN");
  if (!(length <= 16 * 1024)) throw new DomainError("BAD_REQUEST", "body: send a JSON body of at most 16 KiB.");
  const body: unknown = await call.req.json().catch(() => null);
  const parsed = ZSetupInput.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError("BAD_REQUEST", `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const { ip } = requestMeta(call.req);
  const done = await completeSetup(call.deps.db, { ...parsed.data, ip });
  call.log.warn({ userId: done.userId, ip }, `platform admin ${done.email} created through the setup link`);
  return plainResponse(200, "Platform admin created. Sign in with the new password.");
}
