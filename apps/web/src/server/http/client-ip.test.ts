import http from "node:http";
import { describe, expect, it } from "vitest";
import { clientIpFrom, recordSocketAddress, SOCKET_IP_HEADER } from "./client-ip";

const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;

describe("client IP for the audit log", () => {
  it("ignores X-Forwarded-For without trusted proxies: the socket address counts", () => {
    const h = headers({ "x-forwarded-for": "6.6.6.6", [SOCKET_IP_HEADER]: "10.0.0.7" });
    expect(clientIpFrom(h, 0)).toBe("10.0.0.7");
    expect(clientIpFrom(headers({ "x-forwarded-for": "6.6.6.6" }), 0)).toBeNull();
  });

  it("takes the entry the outermost trusted proxy appended, never one the client wrote", () => {
    // The client forged "6.6.6.6"; the one proxy appended the address it saw.
    const one = headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9", [SOCKET_IP_HEADER]: "10.0.0.2" });
    expect(clientIpFrom(one, 1)).toBe("203.0.113.9");
    // Two proxies: load balancer (saw the client) → nginx (saw the load balancer) → web.
    const two = headers({ "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.3", [SOCKET_IP_HEADER]: "10.0.0.2" });
    expect(clientIpFrom(two, 2)).toBe("203.0.113.9");
    // Fewer entries than trusted hops: the request did not come through the proxies.
    expect(clientIpFrom(headers({ [SOCKET_IP_HEADER]: "10.0.0.2" }), 1)).toBe("10.0.0.2");
  });

  it("stamps the socket address on every request, overwriting a client's own header of that name", async () => {
    recordSocketAddress();
    const seen: string[] = [];
    const srv = http.createServer((req, res) => {
      seen.push(String(req.headers[SOCKET_IP_HEADER]));
      res.end();
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const { port } = srv.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/`, {
      headers: { [SOCKET_IP_HEADER]: "6.6.6.6", "x-forwarded-for": "6.6.6.6" },
    });
    await new Promise((r) => srv.close(r));
    expect(seen).toEqual(["127.0.0.1"]);
  });
});
