import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { retryQuery, retryQueryDelay } from "./retry-policy";

const trpcError = (code: string) =>
  TRPCClientError.from({ error: { message: "x", code: -32029, data: { code, httpStatus: 429 } } } as never);

describe("retries of reads in the browser", () => {
  it("sends a read the server turned away as busy again, up to 4 times", () => {
    const busy = trpcError("TOO_MANY_REQUESTS");
    expect([0, 1, 2, 3, 4].map((n) => retryQuery(n, busy))).toEqual([true, true, true, true, false]);
  });

  it("retries any other failure once, as before", () => {
    for (const e of [trpcError("INTERNAL_SERVER_ERROR"), trpcError("NOT_FOUND"), new Error("network")]) {
      expect([0, 1].map((n) => retryQuery(n, e))).toEqual([true, false]);
    }
  });

  it("waits at least the busy answer's Retry-After (1 s), longer each time, with jitter", () => {
    const busy = trpcError("TOO_MANY_REQUESTS");
    expect([0, 1, 2].map((a) => retryQueryDelay(a, busy, () => 0))).toEqual([1000, 2000, 3000]);
    expect(retryQueryDelay(0, busy, () => 1)).toBe(1500);
    expect(retryQueryDelay(0, new Error("network"))).toBe(1000);
    expect(retryQueryDelay(3, new Error("network"))).toBe(8000);
  });
});
