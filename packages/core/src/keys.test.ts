import { describe, expect, it } from "vitest";
import { datasetVersionPrefix, newId, resultKey, tenantOfKey, uploadKey } from "./keys";

describe("key layout", () => {
  const t = "ckacme0000000001";
  it("puts every object under its tenant's prefix", () => {
    expect(uploadKey(t, "abc123def456")).toBe(`tenants/${t}/uploads/abc123def456`);
    expect(datasetVersionPrefix(t, "ds00000001", 3)).toBe(`tenants/${t}/datasets/ds00000001/v3/`);
    expect(resultKey(t, "q0000000001")).toBe(`tenants/${t}/results/q0000000001.parquet`);
  });

  it("refuses ids that could escape the prefix", () => {
    for (const bad of ["../etc", "a/b", "", "ABC", "x".repeat(41), "..%2f", "abc def", "abcd"]) {
      expect(() => uploadKey(t, bad)).toThrow(/malformed upload id/);
      expect(() => uploadKey(bad, "abc123def456")).toThrow(/malformed tenant id/);
    }
  });

  it("refuses non-positive versions", () => {
    expect(() => datasetVersionPrefix(t, "ds00000001", 0)).toThrow(/version/);
    expect(() => datasetVersionPrefix(t, "ds00000001", 1.5)).toThrow(/version/);
  });

  it("reads the tenant back from a key", () => {
    expect(tenantOfKey(uploadKey(t, newId()))).toBe(t);
    expect(tenantOfKey("other/key")).toBeNull();
  });

  it("makes ids that pass its own check", () => {
    const id = newId();
    expect(id).toMatch(/^[a-z0-9]{24}$/);
    expect(newId()).not.toBe(id);
  });
});
