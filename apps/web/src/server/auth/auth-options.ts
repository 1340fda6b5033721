import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { safeRedirectPath } from "@scrollintel/core/safe-redirect";
import { authenticateUser } from "@scrollintel/core/services/auth-service";
import { getSessionState, isSessionCurrent, revokeSessions } from "@scrollintel/core/services/session-service";
import { authSecret } from "@/env";
import { clientIp } from "@/server/http/client-ip";
import { signInLockedCode } from "@/components/sign-in-errors";
import { services } from "@/server/services";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; isPlatformAdmin: boolean };
  }
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/** Thrown from the jwt callback for a revoked session: next-auth then answers "no session" and clears the cookie. */
class SessionRevoked extends Error {
  override name = "SessionRevoked";
}

let cached: NextAuthOptions | undefined;

/** Built on first use, so `next build` needs no secret. */
export function authOptions(): NextAuthOptions {
  cached ??= buildAuthOptions();
  return cached;
}

function buildAuthOptions(): NextAuthOptions {
  return {
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    secret: authSecret(),
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          if (!credentials?.email || !credentials.password) return null;
          const r = await authenticateUser(services().db, {
            email: credentials.email,
            password: credentials.password,
            ip: clientIp((name) => header(req.headers, name)),
            userAgent: header(req.headers, "user-agent"),
          });
          // A thrown message reaches the sign-in form as `error`, so it can say when to retry.
          if (!r.ok && r.reason === "locked") throw new Error(signInLockedCode(r.retryAt));
          if (!r.ok) return null;
          const { id, email, name, isPlatformAdmin, sessionVersion } = r.user;
          return { id, email, name, isPlatformAdmin, sessionVersion };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          const u = user as { isPlatformAdmin?: boolean; sessionVersion?: number };
          token.uid = user.id;
          token.pa = u.isPlatformAdmin === true;
          token.sv = u.sessionVersion ?? 0;
          return token;
        }
        // Every page's session read: a signed-out or password-changed session ends here.
        const state = await getSessionState(services().db, String(token.uid));
        if (!isSessionCurrent(state, token.sv)) throw new SessionRevoked("session revoked");
        token.pa = state.isPlatformAdmin;
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: String(token.uid),
          email: String(token.email),
          name: String(token.name),
          isPlatformAdmin: token.pa === true,
        };
        return session;
      },
      // next-auth's own redirects (signIn/signOut callbackUrl) obey the same rule as ours.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return `${baseUrl}${safeRedirectPath(path)}`;
      },
    },
    events: {
      // Sign-out ends every session of the user, so a copied cookie stops working too.
      async signOut({ token }) {
        if (token?.uid) await revokeSessions(services().db, String(token.uid));
      },
    },
    logger: {
      error(code, metadata) {
        const err = (metadata as { error?: unknown } | undefined)?.error ?? metadata;
        if (err instanceof SessionRevoked) return;
        services().log.error({ code, err }, "next-auth error");
      },
      warn(code) {
        services().log.warn({ code }, "next-auth warning");
      },
      debug() {},
    },
  };
}
