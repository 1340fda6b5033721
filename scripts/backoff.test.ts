import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff";

describe("restart backoff", () => {
  it("doubles from 0.5 s up to 10 s while a process keeps crashing", () => {
    const b = new Backoff();
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.nextDelayMs(100))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it("starts again at 0.5 s after a minute of healthy running", () => {
    const b = new Backoff();
    for (let i = 0; i < 5; i++) b.nextDelayMs(100);
    expect(b.nextDelayMs(60_000)).toBe(500);
    expect(b.nextDelayMs(59_999)).toBe(1000);
  });
});
