import { getServerSession } from "next-auth";
import { authOptions } from "./auth-options";
import type { Caller } from "@/server/trpc/context";

/** The signed-in user of this request, or null. */
export async function resolveCaller(): Promise<Caller | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  return { userId: session.user.id, email: session.user.email, isPlatformAdmin: session.user.isPlatformAdmin };
}

export function requestMeta(req: Request): { ip: string | null; userAgent: string | null; tenantSlug: string | null } {
  const cookie = req.headers.get("cookie") ?? "";
  const slug = /(?:^|;\s*)si_tenant=([a-z0-9-]{1,64})/.exec(cookie)?.[1] ?? null;
  return {
    ip: req.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? req.headers.get("x-real-ip"),
    userAgent: req.headers.get("user-agent"),
    tenantSlug: slug,
  };
}
