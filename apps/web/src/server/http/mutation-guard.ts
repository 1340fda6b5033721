/**
 * tRPC mutations only as JSON from our own pages (or from a client that sends
 * no Origin at all, like an integration with an API key). A cross-site form
 * can post multipart/form-data or text/plain without a CORS preflight and
 * with the user's cookie; refusing those types and foreign origins closes
 * that door. Answers a Response to send instead, or null to go on.
 */
export function refuseUnsafeMutation(req: Request, opts: { appUrl?: string | null } = {}): Response | null {
  if (req.method !== "POST") return null;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") {
    return refusal(415, "Content-Type: this endpoint accepts only application/json.");
  }
  const site = req.headers.get("sec-fetch-site");
  if (site === "cross-site") return refusal(403, "Origin: cross-site requests are refused.");
  const origin = req.headers.get("origin");
  if (origin !== null && !isOwnOrigin(origin, req, opts.appUrl)) {
    return refusal(403, "Origin: requests from other sites are refused.");
  }
  return null;
}

function isOwnOrigin(origin: string, req: Request, appUrl: string | null | undefined): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false; // includes Origin: null (sandboxed frames, data: URLs)
  }
  if (appUrl && new URL(appUrl).origin === o.origin) return true;
  // The Host the browser addressed (behind a TLS-terminating proxy the scheme may differ).
  const host = req.headers.get("host") ?? new URL(req.url).host;
  return o.host === host;
}

function refusal(status: number, message: string): Response {
  return new Response(
    JSON.stringify({ error: { message, code: status === 415 ? "UNSUPPORTED_MEDIA_TYPE" : "FORBIDDEN" } }),
    {
      status,
      headers: { "content-type": "application/json" },
    },
  );
}
