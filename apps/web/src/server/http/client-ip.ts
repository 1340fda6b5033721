import { interceptRequests } from "./intercept-requests";
import { webConfig } from "@/env";

/**
 * Set on every incoming request from its TCP socket (recordSocketAddress),
 * overwriting whatever a client sent under this name: the one address a
 * client cannot choose. Next.js only fills X-Forwarded-For from the socket
 * when the client sent none, so that header alone proves nothing.
 */
export const SOCKET_IP_HEADER = "x-scrollintel-socket-ip";

type HeaderGet = (name: string) => string | null | undefined;

/**
 * The client's address for the audit log and throttling: the socket address,
 * or with `trustedHops` proxies in front (TRUSTED_PROXY_HOPS), the entry of
 * X-Forwarded-For the outermost trusted proxy appended (the hops-th from the
 * right). Entries further left were written by the client and are ignored.
 */
export function clientIpFrom(get: HeaderGet, trustedHops: number): string | null {
  const socket = get(SOCKET_IP_HEADER)?.trim() || null;
  if (trustedHops <= 0) return socket;
  const chain = (get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return chain.length >= trustedHops ? chain[chain.length - trustedHops]! : socket;
}

/** clientIpFrom under this deployment's TRUSTED_PROXY_HOPS. */
export function clientIp(get: HeaderGet): string | null {
  return clientIpFrom(get, webConfig().TRUSTED_PROXY_HOPS);
}

let installed = false;

/** Stamps SOCKET_IP_HEADER on every request any HTTP server of this process receives (called once at boot). */
export function recordSocketAddress(): void {
  if (installed) return;
  installed = true;
  interceptRequests((req) => {
    req.headers[SOCKET_IP_HEADER] = req.socket?.remoteAddress ?? "";
    return false;
  });
}
