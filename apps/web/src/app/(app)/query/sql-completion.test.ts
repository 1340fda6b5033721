import { describe, expect, it } from "vitest";
import { datasetsInSql, topLevelCompletions } from "./sql-completion";

const datasets = [
  {
    name: "weather",
    columns: [
      { name: "temp_max", type: "DOUBLE" },
      { name: "date", type: "DATE" },
    ],
  },
  {
    name: "sales",
    columns: [
      { name: "region", type: "VARCHAR" },
      { name: "Order Id", type: "BIGINT" },
    ],
  },
];

describe("query completion", () => {
  it("offers columns without a dataset prefix, the FROM dataset's first", () => {
    const options = topLevelCompletions("SELECT  FROM weather", datasets);
    const labels = options.map((o) => o.label);
    expect(labels).toEqual(expect.arrayContaining(["temp_max", "date", "region", '"Order Id"', "weather", "SELECT"]));
    const boost = (l: string) => options.find((o) => o.label === l)?.boost ?? 0;
    expect(boost("temp_max")).toBeGreaterThan(boost("region"));
    expect(boost("region")).toBeGreaterThan(boost("SELECT"));
    expect(datasetsInSql("select * from Sales s join weather w on true", datasets)).toEqual(
      new Set(["sales", "weather"]),
    );
  });

  it("does not offer obscure keywords", () => {
    const labels = topLevelCompletions("", datasets).map((o) => o.label);
    expect(labels).not.toContain("CATALOG");
    expect(labels).not.toContain("TRANSACTIONS_ROLLED_BACK");
    expect(labels).toContain("GROUP BY");
  });
});
