import { describe, expect, it } from "vitest";
import { datasetsFingerprint, normalizeSql, queryCacheKey } from "./query-cache-key";

describe("normalizeSql", () => {
  it("treats layout, comments and a trailing semicolon as the same query", () => {
    const a = "SELECT  city,\n  sum(x) -- total\nFROM sales /* all */ GROUP BY 1;";
    expect(normalizeSql(a)).toBe("SELECT city, sum(x) FROM sales GROUP BY 1");
  });

  it("keeps whitespace and comment-like text inside quotes", () => {
    expect(normalizeSql("SELECT 'a  --b'  AS \"x  y\"")).toBe("SELECT 'a  --b' AS \"x  y\"");
    expect(normalizeSql("SELECT 'it''s  ok'")).toBe("SELECT 'it''s  ok'");
  });

  it("keeps case, which decides output column names", () => {
    expect(normalizeSql("SELECT 1 AS Total")).not.toBe(normalizeSql("select 1 as total"));
  });
});

describe("queryCacheKey", () => {
  const v1 = [{ datasetId: "d1", name: "sales", version: 1 }];
  const v2 = [{ datasetId: "d1", name: "sales", version: 2 }];
  const key = (sql: string, ds = v1, policy = "tenant") =>
    queryCacheKey({ sql, fingerprint: datasetsFingerprint(ds), policy });

  it("is the same for the same normalized SQL, versions and policy", () => {
    expect(key("SELECT 1")).toBe(key(" SELECT 1 ; "));
  });

  it("changes with a new dataset version, a renamed dataset or another policy", () => {
    expect(key("SELECT 1", v2)).not.toBe(key("SELECT 1"));
    expect(key("SELECT 1", [{ datasetId: "d1", name: "sales_2", version: 1 }])).not.toBe(key("SELECT 1"));
    expect(key("SELECT 1", v1, "other")).not.toBe(key("SELECT 1"));
  });

  it("does not depend on the order datasets are listed in", () => {
    const a = { datasetId: "a", name: "a", version: 1 };
    const b = { datasetId: "b", name: "b", version: 3 };
    expect(datasetsFingerprint([a, b])).toBe(datasetsFingerprint([b, a]));
  });
});
