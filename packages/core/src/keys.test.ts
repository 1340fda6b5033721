import { describe, expect, it } from "vitest";
import { archiveKeyOf, datasetVersionPrefix, newId, resultKey, tenantOfKey, uploadKey } from "./keys";

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

  it("puts an archived object under the tenant's archive/ prefix, once", () => {
    const part = `${datasetVersionPrefix(t, "ds00000001", 2)}part-00000.parquet`;
    expect(archiveKeyOf(part)).toBe(`tenants/${t}/archive/datasets/ds00000001/v2/part-00000.parquet`);
    expect(tenantOfKey(archiveKeyOf(part))).toBe(t);
    expect(() => archiveKeyOf(archiveKeyOf(part))).toThrow(/already/);
    expect(() => archiveKeyOf("other/key")).toThrow(/tenant/);
  });

  it("makes ids that pass its own check", () => {
    const id = newId();
    expect(id).toMatch(/^[a-z0-9]{24}$/);
    expect(newId()).not.toBe(id);
  });
});
