import { describe, expect, it } from "vitest";
import { checkSqlText, checkStatements, DATASET_NAME, quoteIdent, toDatasetName } from "./sql-check";

describe("SQL statement check", () => {
  it("accepts one SELECT", () => {
    expect(() => checkStatements([{ type: "SELECT" }])).not.toThrow();
  });

  it("refuses several statements, saying how many", () => {
    expect(() => checkStatements([{ type: "SELECT" }, { type: "SELECT" }])).toThrow(
      /exactly one statement; this query has 2/,
    );
  });

  it.each(["COPY", "ATTACH", "PRAGMA", "SET", "LOAD", "INSERT", "EXPORT", "CREATE"])("refuses %s", (type) => {
    expect(() => checkStatements([{ type }])).toThrow(
      new RegExp(`Only SELECT queries can run here; this statement is an? ${type}`),
    );
  });

  it("refuses an empty statement list", () => {
    expect(() => checkStatements([])).toThrow(/no statement/);
  });

  it("refuses empty and oversized text before parsing", () => {
    expect(() => checkSqlText("   ")).toThrow(/empty/);
    expect(() => checkSqlText("select " + "1,".repeat(60_000) + "1")).toThrow(/limit is 100000/);
    expect(checkSqlText("  select 1 ")).toBe("select 1");
  });
});

describe("dataset names", () => {
  it.each([
    ["Sales 2024 (final).csv", "sales_2024_final"],
    ["orders.csv.gz", "orders"],
    ["2024-events.ndjson", "t_2024_events"],
    ["../../etc/passwd", "etc_passwd"],
    ["!!!.csv", "dataset"],
  ])("%s -> %s", (file, name) => {
    expect(toDatasetName(file)).toBe(name);
    expect(name).toMatch(DATASET_NAME);
  });

  it("quotes identifiers", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
