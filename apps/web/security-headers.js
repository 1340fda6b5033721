// Security headers: one table for next.config.js (every response, pages,
// API routes and static files alike) and src/proxy.ts (the per-request CSP
// nonce of pages). Plain JavaScript, because next.config.js imports it.

/** On every response. */
export const SECURITY_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  // Invitation and setup links carry their token in the path: never send it to another site.
  { key: "Referrer-Policy", value: "same-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
  },
];

/** API answers (JSON, CSV, Parquet, tus) are never documents: nothing may run or embed them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * A page's policy: scripts only with this request's nonce ('strict-dynamic'
 * lets Next's own chunks load), styles from us plus inline style attributes
 * (charts and the SQL editor set them), no frames, no plugins, no foreign
 * fetches. Development adds what React's dev tooling needs.
 */
export function pageCsp(nonce, { dev = false } = {}) {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
