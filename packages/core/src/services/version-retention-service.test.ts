import { describe, expect, it } from "vitest";
import { versionsToRetire } from "./version-retention-service";

const now = new Date("2026-06-01T00:00:00Z");
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const v = (version: number, age: number, status = "READY") => ({
  version,
  status,
  createdAt: daysAgo(age),
  storedBytes: 1n,
});
const versions = [v(1, 50), v(2, 40), v(3, 20), v(4, 5), v(5, 1, "INGESTING")];

describe("old-version policy", () => {
  it("retires nothing without a rule", () => {
    expect(versionsToRetire(versions, 4, { keepVersions: null, versionDays: null }, now)).toEqual([]);
  });

  it("keeps the newest K, the queried version and running ingests", () => {
    expect(versionsToRetire(versions, 2, { keepVersions: 2, versionDays: null }, now)).toEqual([3, 1]);
  });

  it("keeps versions younger than N days", () => {
    expect(versionsToRetire(versions, 4, { keepVersions: null, versionDays: 30 }, now)).toEqual([2, 1]);
  });

  it("keeps a version either rule keeps", () => {
    expect(versionsToRetire(versions, 4, { keepVersions: 3, versionDays: 45 }, now)).toEqual([1]);
  });
});
