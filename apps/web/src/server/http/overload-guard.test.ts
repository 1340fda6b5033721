import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import type { AppRouter } from "@/server/trpc/router";
import { idleWhile, requestLoad } from "@scrollintel/core/request-load";
import { overloadGuard } from "./overload-guard";

const MAX = 3;
const guard = overloadGuard(MAX);
const reached: string[] = [];
/** Requests the application holds open until the test releases them. */
const held: (() => void)[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  // The application behind the guard: anything that gets through answers a tRPC success.
  server = http.createServer((req, res) => {
    if (guard.intercept(req, res)) return;
    reached.push(req.url!);
    const answer = () => {
      res.writeHead(200, { "content-type": "application/json" });
      const one = { result: { data: { json: [] } } };
      res.end(JSON.stringify(new URL(req.url!, "http://x").searchParams.get("batch") === "1" ? [one, one] : one));
    };
    if (req.url!.includes("hold")) held.push(answer);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const shedCount = async () =>
  (await webMetrics().shedRequests.get()).values.find((v) => v.labels.route === "/api/trpc")?.value ?? 0;

/** Opens `n` tRPC requests the application holds, and waits until it has them. */
async function hold(n: number): Promise<Promise<Response>[]> {
  const before = held.length;
  const open = Array.from({ length: n }, () => fetch(`${base}/api/trpc/dataset.list?hold`));
  await vi.waitUntil(() => held.length === before + n, { timeout: 5_000 });
  return open;
}
async function releaseAll(open: Promise<Response>[]) {
  for (const answer of held.splice(0)) answer();
  for (const r of await Promise.all(open)) expect(r.status).toBe(200);
  await vi.waitUntil(() => requestLoad().admitted === 0, { timeout: 5_000 });
}

describe("admission at the door", () => {
  it("takes tRPC requests while fewer than the limit are at work", async () => {
    reached.length = 0;
    const open = await hold(MAX - 1);
    expect((await fetch(`${base}/api/trpc/usage.summary`)).status).toBe(200);
    await releaseAll(open);
    expect(reached).toHaveLength(MAX);
  });

  it("answers 429 + Retry-After at the limit, before the application sees the request, and takes again once one ends", async () => {
    const open = await hold(MAX);
    reached.length = 0;
    const before = await shedCount();
    const res = await fetch(`${base}/api/trpc/dataset.list?input=%7B%7D`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await res.json()).toEqual({
      error: {
        json: {
          message: "ScrollIntel is busy; retry in a moment.",
          code: -32029,
          data: { code: "TOO_MANY_REQUESTS", httpStatus: 429, path: "dataset.list" },
        },
      },
    });
    // A POST's body is left unread and the connection still serves the next request.
    const post = await fetch(`${base}/api/trpc/query.run`, {
      method: "POST",
      body: JSON.stringify({ json: { sql: "x".repeat(100_000) } }),
    });
    expect(post.status).toBe(429);
    // A path no URL parser takes is answered all the same.
    const bad = await fetch(`${base}/api/trpc/%E0%A4%A?batch=1`);
    expect(bad.status).toBe(429);
    expect(await bad.json()).toMatchObject([{ error: { json: { data: { code: "TOO_MANY_REQUESTS", path: "" } } } }]);
    expect(reached).toEqual([]);
    expect((await shedCount()) - before).toBe(3);
    // One ends: the next is taken.
    held.shift()!();
    await vi.waitUntil(() => requestLoad().admitted === MAX - 1, { timeout: 5_000 });
    expect((await fetch(`${base}/api/trpc/usage.summary`)).status).toBe(200);
    await releaseAll(open);
  });

  it("counts a request whose client left as ended", async () => {
    const ctl = new AbortController();
    const gone = fetch(`${base}/api/trpc/dataset.list?hold`, { signal: ctl.signal }).catch(() => null);
    await vi.waitUntil(() => held.length === 1, { timeout: 5_000 });
    expect(requestLoad().admitted).toBe(1);
    ctl.abort();
    await gone;
    await vi.waitUntil(() => requestLoad().admitted === 0, { timeout: 5_000 });
    held.splice(0);
  });

  it("does not count a request idle in a wait for a worker as work", async () => {
    const open = await hold(MAX);
    // The held requests are now idle in a wait: the door takes another one.
    const ends: (() => void)[] = [];
    const waits = Array.from({ length: MAX }, () => idleWhile(new Promise<void>((r) => ends.push(r))));
    expect((await fetch(`${base}/api/trpc/usage.summary`)).status).toBe(200);
    for (const end of ends) end();
    await Promise.all(waits);
    expect(requestLoad().idle).toBe(0);
    expect((await fetch(`${base}/api/trpc/usage.summary`)).status).toBe(429);
    await releaseAll(open);
  });

  it("sheds only tRPC: health, uploads, events and pages keep their own rules", async () => {
    const open = await hold(MAX);
    reached.length = 0;
    for (const path of ["/api/health", "/api/uploads/x", "/api/events?dataset=e", "/api/trpcx", "/datasets"]) {
      expect((await fetch(base + path)).status).toBe(200);
    }
    expect(reached).toHaveLength(5);
    await releaseAll(open);
  });

  it("is an error tRPC's own clients read as TOO_MANY_REQUESTS, one per call of a batch", async () => {
    const open = await hold(MAX);
    const single = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/api/trpc`, transformer: superjson })],
    });
    const e1 = await single.dataset.list.query().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TRPCClientError);
    expect((e1 as TRPCClientError<AppRouter>).data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });

    const batch = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${base}/api/trpc`, transformer: superjson })],
    });
    const both = await Promise.allSettled([batch.dataset.list.query(), batch.usage.summary.query()]);
    for (const r of both) {
      expect(r.status).toBe("rejected");
      const e = (r as PromiseRejectedResult).reason as TRPCClientError<AppRouter>;
      expect(e.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });
    }
    expect(both.map((r) => ((r as PromiseRejectedResult).reason as TRPCClientError<AppRouter>).data?.path)).toEqual([
      "dataset.list",
      "usage.summary",
    ]);
    await releaseAll(open);
  });

  it("a limit of 0 turns it off", async () => {
    const off = overloadGuard(0);
    const res = { writeHead: () => expect.fail("answered") } as unknown as http.ServerResponse;
    expect(off.intercept({ url: "/api/trpc/dataset.list" } as http.IncomingMessage, res)).toBe(false);
  });
});
