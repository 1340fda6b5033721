import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "../security-headers.js";

/**
 * A fresh CSP nonce per page request: Next reads it from the request's
 * Content-Security-Policy header and puts it on its own script tags (pages
 * are rendered per request; see the root layout). The other security headers
 * come from next.config.js.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Not /api (its bodies must stream) nor build assets; prefetches carry no HTML.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
