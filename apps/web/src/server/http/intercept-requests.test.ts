import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { interceptRequests } from "./intercept-requests";

describe("request interceptors", () => {
  it("run before the server's handler; one that answers ends the request there, one that throws does not crash", async () => {
    const order: string[] = [];
    interceptRequests(() => {
      order.push("throws");
      throw new Error("a bug in an interceptor");
    });
    interceptRequests((req, res) => {
      order.push("answers?");
      if (req.url !== "/mine") return false;
      res.end("intercepted");
      return true;
    });
    const srv = http.createServer((_req, res) => {
      order.push("handler");
      res.end("handled");
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/other`)).text()).toBe("handled");
      expect(order).toEqual(["throws", "answers?", "handler"]);
      order.length = 0;
      expect(await (await fetch(`${base}/mine`)).text()).toBe("intercepted");
      expect(order).toEqual(["throws", "answers?"]);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
