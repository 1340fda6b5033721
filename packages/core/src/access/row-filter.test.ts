import { describe, expect, it } from "vitest";
import { accessDigest, accessFor, fitAccess, maskSql, selectSqlFor, whereSqlFor } from "./effective-access";
import { maskValue } from "./mask-values";
import type { DatasetPolicy, Principal } from "./policy";
import { parseRowFilter, rowFilterSql, validateRowFilter } from "./row-filter";

const sql = (text: string, attrs: Record<string, string> = {}) => rowFilterSql(parseRowFilter(text), attrs);

describe("row filter predicates", () => {
  it("writes the predicate back from its tree, with attributes as quoted literals", () => {
    expect(sql("region = user.region", { region: "EU" })).toBe(`("region" = 'EU')`);
    expect(sql("region = user.region", { region: "EU' OR '1'='1" })).toBe(`("region" = 'EU'' OR ''1''=''1')`);
    expect(sql("region = user.region")).toBe(`("region" = CAST(NULL AS VARCHAR))`);
    expect(sql(`a IN (1, 2) AND NOT b LIKE 'x%' OR "odd ""name""" IS NOT NULL`)).toBe(
      `((("a" IN (1, 2)) AND (NOT ("b" LIKE 'x%'))) OR ("odd ""name""" IS NOT NULL))`,
    );
    expect(sql("n BETWEEN -1 AND 2.5")).toBe(`("n" BETWEEN -1 AND 2.5)`);
  });

  it("refuses anything outside the grammar, naming the predicate", () => {
    for (const bad of [
      "region = 'EU'; DROP TABLE x",
      "region = (SELECT 1)",
      "read_parquet('x') IS NULL",
      "a = 1 --",
      "a = 'open",
      "",
      "a = 1 OR",
      "a || b = 'x'",
    ]) {
      expect(() => parseRowFilter(bad), bad).toThrow(/predicate/);
    }
  });

  it("checks columns against the dataset", () => {
    expect(() => validateRowFilter("nope = 1", ["region"])).toThrow(/column nope/);
    expect(() => validateRowFilter("region = user.anything", ["region"])).not.toThrow();
  });
});

const EU: Principal = { role: "ANALYST", groupIds: ["g1"], attributes: { region: "EU" } };
const POLICY: DatasetPolicy = {
  visibility: "restricted",
  allow: [{ kind: "group", groupId: "g1" }],
  masks: [
    { column: "email", method: "partial", subjects: [{ kind: "everyone" }] },
    { column: "email", method: "hash", subjects: [{ kind: "role", role: "ANALYST" }] },
  ],
  rowFilters: [{ predicate: "region = user.region", subjects: [{ kind: "group", groupId: "g1" }] }],
};

describe("effective access", () => {
  it("applies the strongest mask, every matching filter, and visibility by group", () => {
    const a = accessFor(POLICY, EU);
    expect(a).toEqual({ visible: true, masks: { email: "hash" }, rowFilters: ["region = user.region"] });
    expect(whereSqlFor(a, EU.attributes)).toBe(`("region" = 'EU')`);
    expect(selectSqlFor(a, "k")).toContain(`AS "email"`);
    expect(accessFor(POLICY, { role: "OWNER", groupIds: [], attributes: {} }).visible).toBe(false);
  });

  it("gives readers with other access other digests, and open readers the open digest", () => {
    const d = (p: Principal) => accessDigest([{ datasetId: "d", access: accessFor(POLICY, p) }], p.attributes);
    expect(d(EU)).not.toBe(d({ ...EU, attributes: { region: "US" } }));
    expect(d(EU)).toBe(d({ ...EU }));
    const open: DatasetPolicy = { visibility: "everyone", allow: [], masks: [], rowFilters: [] };
    expect(accessDigest([{ datasetId: "d", access: accessFor(open, EU) }], {})).toBe("open");
  });

  it("hides the dataset when a mask or filter names a column the version lacks (renamed by a re-ingest)", () => {
    const a = accessFor(POLICY, EU);
    expect(fitAccess(a, ["email", "region"])).toBe(a);
    expect(fitAccess(a, ["mail", "region"]).visible).toBe(false);
    expect(fitAccess(a, ["email", "area"]).visible).toBe(false);
  });

  it("masks values in the web as the views do", () => {
    expect(maskValue("partial", "user@example.com", "k")).toBe("u***@example.com");
    expect(maskValue("redact", "x", "k")).toBe("***");
    expect(maskValue("nullify", "x", "k")).toBeNull();
    expect(maskValue("hash", "x", "k1")).not.toBe(maskValue("hash", "x", "k2"));
    expect(maskSql("hash", "e", "it's")).toContain(`'it''s'`);
  });
});
