import { describe, expect, it } from "vitest";
import { waitUntilDone } from "./db/notify-listener";
import { busyRequests, idleWhile, requestLoad } from "./request-load";

describe("request load", () => {
  it("a request waiting for a worker's row is idle between its checks, not at work", async () => {
    const load = requestLoad();
    load.admitted++;
    const seen: number[] = [];
    try {
      let checks = 0;
      const sampler = setInterval(() => seen.push(busyRequests()), 2);
      const done = await waitUntilDone({
        id: "x",
        timeoutMs: 5_000,
        // At work while it checks: the request reads the row.
        check: async () => {
          expect(busyRequests()).toBe(1);
          return ++checks === 4;
        },
      });
      clearInterval(sampler);
      expect(done).toBe(true);
      // Between checks (10, 20, 40 ms of backoff) the admitted request counted as not busy.
      expect(seen).toContain(0);
      expect(load.idle).toBe(0);
      expect(busyRequests()).toBe(1);
    } finally {
      load.admitted--;
    }
  });

  it("idleWhile ends the idle count when the wait fails too", async () => {
    await expect(idleWhile(Promise.reject(new Error("gone")))).rejects.toThrow("gone");
    expect(requestLoad().idle).toBe(0);
    // Never below zero: idle waits outside any admitted request (the worker's) do not make room for more.
    await idleWhile(
      new Promise<void>((r) =>
        setTimeout(() => {
          expect(busyRequests()).toBe(0);
          r();
        }, 5),
      ),
    );
  });
});
