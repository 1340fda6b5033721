import { describe, expect, it } from "vitest";
import { ZBackupObject } from "./backup-manifest";
import { findMissing, isReferenced, type ObjectReferences } from "./referenced-objects";

const T = "tenants/aaaaaaaaaaaa";
const refs: ObjectReferences = {
  exact: new Set([`${T}/datasets/bbbbbbbbbbbb/v1/part-00000.parquet`, `${T}/results/cccccccccccc.parquet`]),
  uploads: new Map([
    [`${T}/uploads/dddddddddddd`, { complete: true }],
    [`${T}/uploads/eeeeeeeeeeee`, { complete: false }],
  ]),
  optional: new Set([`${T}/archive/datasets/gggggggggggg/v1/part-0.parquet`]),
};

describe("isReferenced", () => {
  it("takes keys named exactly, uploads and the tus store's side objects of an upload", () => {
    expect(isReferenced(refs, `${T}/datasets/bbbbbbbbbbbb/v1/part-00000.parquet`)).toBe(true);
    expect(isReferenced(refs, `${T}/uploads/dddddddddddd`)).toBe(true);
    expect(isReferenced(refs, `${T}/uploads/dddddddddddd.info`)).toBe(true);
    expect(isReferenced(refs, `${T}/uploads/eeeeeeeeeeee.part`)).toBe(true);
    expect(isReferenced(refs, `${T}/archive/datasets/gggggggggggg/v1/part-0.parquet`)).toBe(true);
  });

  it("leaves out everything else, also keys that merely start like a referenced one", () => {
    expect(isReferenced(refs, `${T}/datasets/bbbbbbbbbbbb/v1/part-00001.parquet`)).toBe(false);
    expect(isReferenced(refs, `${T}/uploads/dddddddddddd0`)).toBe(false);
    expect(isReferenced(refs, `${T}/uploads/ffffffffffff.info`)).toBe(false);
    expect(isReferenced(refs, `${T}/results/cccccccccccc.csv`)).toBe(false);
  });
});

describe("findMissing", () => {
  it("names referenced keys storage lacks; an unfinished upload may have no bytes yet", () => {
    const present = new Set([`${T}/results/cccccccccccc.parquet`]);
    expect(findMissing(refs, present).map((m) => m.key)).toEqual([
      `${T}/datasets/bbbbbbbbbbbb/v1/part-00000.parquet`,
      `${T}/uploads/dddddddddddd`,
    ]);
  });
});

describe("manifest keys", () => {
  it("refuses keys that could leave the storage root", () => {
    const o = { size: 1, sha256: "0".repeat(64), copied: true };
    expect(ZBackupObject.safeParse({ ...o, key: `${T}/uploads/dddddddddddd` }).success).toBe(true);
    expect(ZBackupObject.safeParse({ ...o, key: `${T}/../../etc/passwd` }).success).toBe(false);
    expect(ZBackupObject.safeParse({ ...o, key: "/etc/passwd" }).success).toBe(false);
  });
});
