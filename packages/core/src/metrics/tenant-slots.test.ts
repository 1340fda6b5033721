import { describe, expect, it } from "vitest";
import { TenantSlots } from "./tenant-slots";

describe("TenantSlots", () => {
  it("names the busiest tenants and folds the rest into 'other'", () => {
    const s = new TenantSlots();
    const releases = ["a", "a", "a", "b", "b", "c", "d", "e", "f"].map((t) => s.take(t));
    s.take(null);
    expect(s.top(2)).toEqual([
      ["a", 3],
      ["b", 2],
      ["other", 4],
      ["system", 1],
    ]);
    releases.forEach((r) => r());
    releases[0]!(); // a second release is a no-op
    expect(s.top(2)).toEqual([["system", 1]]);
  });
});
