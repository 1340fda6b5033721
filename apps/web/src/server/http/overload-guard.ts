import type http from "node:http";
import { randomUUID } from "node:crypto";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { busy } from "@scrollintel/core/errors";
import type { Logger } from "@scrollintel/core/logger";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import { busyRequests, requestLoad } from "@scrollintel/core/request-load";
import { API_CSP, SECURITY_HEADERS } from "../../../security-headers.js";
import { interceptRequests } from "./intercept-requests";
import { ERROR_TABLE } from "./error-table";

/** The API requests shed when the process is behind: tRPC only (uploads, events, health and pages have their own rules). */
export function isSheddable(url: string | undefined): boolean {
  return !!url && (url === "/api/trpc" || url.startsWith("/api/trpc/") || url.startsWith("/api/trpc?"));
}

/**
 * The answer tRPC's own code would give for TOO_MANY_REQUESTS (one error per
 * call of a batch), so browsers and API clients read it as a busy answer.
 */
export function shedBody(url: string): string {
  let paths = [""];
  let batch = false;
  try {
    const u = new URL(url, "http://x");
    batch = u.searchParams.get("batch") === "1";
    paths = decodeURIComponent(u.pathname.replace(/^\/api\/trpc\/?/, "")).split(",");
  } catch {
    // A path no URL parser takes (bad percent-encoding): the answer names no procedure.
  }
  const { message } = busy();
  const one = (path: string) => ({
    error: {
      json: {
        message,
        code: TRPC_ERROR_CODES_BY_KEY[ERROR_TABLE.RATE_LIMITED.trpc],
        data: { code: ERROR_TABLE.RATE_LIMITED.trpc, httpStatus: ERROR_TABLE.RATE_LIMITED.http, path },
      },
    },
  });
  return JSON.stringify(batch ? paths.map(one) : one(paths[0] ?? ""));
}

export interface OverloadGuard {
  /** Answers the request 429 + Retry-After itself and returns true when the process is at its limit. */
  intercept(req: http.IncomingMessage, res: http.ServerResponse): boolean;
}

/**
 * Admission at the door. Past its capacity the web used to take every request
 * and share its one thread and ten database connections among all of them:
 * each got slower until clients timed out (work for clients already gone
 * included), and the rest waited 2 s for a connection before their 429. Now a
 * tRPC request is taken only while fewer than `maxBusy` taken ones are at
 * work (one waiting for a worker's result is not: request-load.ts); past that
 * it is answered 429 with Retry-After before Next or any handler spends
 * anything on it (a fraction of a millisecond). The requests taken keep their
 * latency and the rest learn at once to come back. 0 turns it off.
 */
export function overloadGuard(maxBusy: number, onShed?: (busy: number) => void): OverloadGuard {
  if (maxBusy <= 0) return { intercept: () => false };
  const load = requestLoad();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "retry-after": String(busy().details?.retryAfter ?? 1),
    "cache-control": "no-store",
    "content-security-policy": API_CSP,
  };
  for (const h of SECURITY_HEADERS) headers[h.key.toLowerCase()] ??= h.value;
  return {
    intercept(req, res) {
      if (!isSheddable(req.url)) return false;
      const now = busyRequests();
      if (now >= maxBusy) {
        // Counted first: once the answer is written, nothing here may throw (the request would go on to Next).
        webMetrics().shedRequests.inc({ route: "/api/trpc" });
        onShed?.(now);
        res.writeHead(ERROR_TABLE.RATE_LIMITED.http, { ...headers, "x-request-id": randomUUID() });
        res.end(shedBody(req.url!));
        return true;
      }
      load.admitted++;
      let open = true;
      const done = () => {
        if (open) load.admitted--;
        open = false;
      };
      res.once("finish", done).once("close", done);
      return false;
    },
  };
}

/**
 * Installs the guard on this process's HTTP servers (once, at boot). While it
 * sheds, one warning every `reportMs` says how many.
 */
export function shedWhenBusy(maxBusy: number, log: Logger, reportMs = 5_000): void {
  let shed = 0;
  const guard = overloadGuard(maxBusy, () => shed++);
  interceptRequests((req, res) => guard.intercept(req, res));
  setInterval(() => {
    if (shed === 0) return;
    log.warn({ shed, maxBusy, ...requestLoad() }, "busy: tRPC requests answered 429 at the door");
    shed = 0;
  }, reportMs).unref();
}
