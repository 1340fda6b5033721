import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { authenticateUser } from "@scrollintel/core/services/auth-service";
import { authSecret } from "@/env";
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
          const user = await authenticateUser(services().db, {
            email: credentials.email,
            password: credentials.password,
            ip: header(req.headers, "x-forwarded-for")?.split(",")[0]?.trim() ?? null,
            userAgent: header(req.headers, "user-agent"),
          });
          return user
            ? { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin }
            : null;
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.pa = (user as { isPlatformAdmin?: boolean }).isPlatformAdmin === true;
        }
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
    },
  };
}
