import http from "node:http";

export type Interceptor = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
const interceptors: Interceptor[] = [];

/**
 * Runs `fn` on every request any HTTP server of this process receives, before
 * Next sees it; a `fn` that answered the request itself returns true and the
 * request goes no further. The servers' emit is wrapped once, for all.
 */
export function interceptRequests(fn: Interceptor): void {
  if (interceptors.length === 0) {
    const emit = http.Server.prototype.emit as (
      this: http.Server,
      event: string | symbol,
      ...args: unknown[]
    ) => boolean;
    http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
        for (const f of interceptors) {
          try {
            if (f(req, res)) return true;
          } catch {
            // Thrown here it would be uncaught and end the process: the request goes on to Next instead.
          }
        }
      }
      return emit.call(this, event, ...args);
    } as typeof http.Server.prototype.emit;
  }
  interceptors.push(fn);
}
