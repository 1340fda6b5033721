import { createHash, timingSafeEqual } from "node:crypto";

export type MetricsAccess = "ok" | "disabled" | "denied";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Who may scrape: only a caller presenting METRICS_TOKEN as a bearer token.
 * Without a configured token the endpoint refuses everyone ("disabled"), so
 * a deployment never exposes metrics by forgetting a setting.
 */
export function checkMetricsToken(token: string | undefined, authorization: string | null | undefined): MetricsAccess {
  if (!token) return "disabled";
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!m) return "denied";
  return timingSafeEqual(digest(m[1]!.trim()), digest(token)) ? "ok" : "denied";
}

/** The status and one-line body each refusal answers with. */
export const METRICS_REFUSAL = {
  disabled: { status: 404, body: "Metrics are off: set METRICS_TOKEN to enable this endpoint.\n" },
  denied: { status: 401, body: "Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.\n" },
} as const;
