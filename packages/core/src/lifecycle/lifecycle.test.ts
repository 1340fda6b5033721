import { describe, expect, it } from "vitest";
import { isStalePage, parsePageRows, sortOfKey, STALE_PAGE_MS } from "./result-page-lifecycle";
import { parseResultColumns } from "./query-run-lifecycle";
import { waitForRow } from "./wait-for-row";
import { DONE_STATUSES, isDone, isLive, LIVE_STATUSES } from "./work-status";

describe("work statuses", () => {
  it("splits every status into live or done, never both", () => {
    for (const s of LIVE_STATUSES) expect([isLive(s), isDone(s)]).toEqual([true, false]);
    for (const s of DONE_STATUSES) expect([isLive(s), isDone(s)]).toEqual([false, true]);
    expect([isLive(null), isDone(undefined), isDone("READY")]).toEqual([false, false, false]);
  });
});

describe("JSON column parsers", () => {
  const columns = [
    { name: "n", type: "BIGINT" },
    { name: "k", type: "INTEGER" },
  ];

  it("reads result columns and refuses a malformed one", () => {
    expect(parseResultColumns(columns)).toEqual(columns);
    expect(() => parseResultColumns([{ name: "n" }])).toThrow();
  });

  it("turns a page's sort key into the column it names", () => {
    expect(sortOfKey("", columns)).toBeNull();
    expect(sortOfKey("1:desc", columns)).toEqual({ column: "k", desc: true });
    expect(sortOfKey("0:asc", columns)).toEqual({ column: "n", desc: false });
    expect(() => sortOfKey("2:asc", columns)).toThrow(/names no column/);
    expect(() => sortOfKey("1;drop", columns)).toThrow();
  });

  it("reads page rows as objects only", () => {
    expect(parsePageRows([{ n: "1" }])).toEqual([{ n: "1" }]);
    expect(() => parsePageRows([1, 2])).toThrow();
  });

  it("calls a live page stale only past the period", () => {
    const now = Date.now();
    const at = (ms: number) => new Date(now - ms);
    expect(isStalePage({ status: "RUNNING", createdAt: at(STALE_PAGE_MS + 1) }, now)).toBe(true);
    expect(isStalePage({ status: "QUEUED", createdAt: at(STALE_PAGE_MS - 1) }, now)).toBe(false);
    expect(isStalePage({ status: "FAILED", createdAt: at(10 * STALE_PAGE_MS) }, now)).toBe(false);
  });
});

describe("waitForRow", () => {
  it("reads until the row settles and returns it", async () => {
    const states = ["QUEUED", "RUNNING", "SUCCEEDED"];
    let reads = 0;
    const row = await waitForRow({
      id: "x",
      timeoutMs: 5000,
      read: () => Promise.resolve({ status: states[Math.min(reads++, 2)]! }),
      settled: (r) => isDone(r.status),
    });
    expect(row).toEqual({ status: "SUCCEEDED" });
    expect(reads).toBe(3);
  });

  it("returns the last row read when time is up, and null for a missing row", async () => {
    const live = await waitForRow({
      id: "y",
      timeoutMs: 0,
      read: () => Promise.resolve({ status: "RUNNING" }),
      settled: (r) => isDone(r.status),
    });
    expect(live).toEqual({ status: "RUNNING" });
    const missing = await waitForRow({
      id: "z",
      timeoutMs: 5000,
      read: () => Promise.resolve(null),
      settled: () => false,
    });
    expect(missing).toBeNull();
  });
});
