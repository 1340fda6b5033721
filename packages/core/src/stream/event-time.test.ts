import { describe, expect, it } from "vitest";
import { checkEventTimeColumn, eventTimeOrderSql, findEventTimeCandidates } from "./event-time";
import type { StreamColumn } from "./stream-sql";

const cols: StreamColumn[] = [
  { name: "ts", type: "VARCHAR" },
  { name: "epoch_ms", type: "BIGINT" },
  { name: "ok", type: "BOOLEAN" },
  { name: "tags", type: "JSON" },
];

describe("event-time column", () => {
  it("accepts epoch numbers and ISO text", () => {
    expect(checkEventTimeColumn(cols, "epoch_ms", "ev").type).toBe("BIGINT");
    expect(checkEventTimeColumn(cols, "ts", "ev").type).toBe("VARCHAR");
    expect(findEventTimeCandidates(cols).map((c) => c.name)).toEqual(["ts", "epoch_ms"]);
  });

  it("refuses a missing column naming the ones that fit", () => {
    expect(() => checkEventTimeColumn(cols, "tss", "ev")).toThrow(
      'eventTimeColumn: dataset "ev" has no column "tss" (columns that can be: ts, epoch_ms).',
    );
  });

  it("refuses a column of the wrong type and a dataset without columns", () => {
    expect(() => checkEventTimeColumn(cols, "ok", "ev")).toThrow(/column "ok" is BOOLEAN/);
    expect(() => checkEventTimeColumn([], "ts", "ev")).toThrow(/has no columns yet/);
  });

  it("orders by the column only when the rows have it", () => {
    expect(eventTimeOrderSql("ts", ["a", "ts"])).toBe(' ORDER BY "ts" NULLS LAST');
    expect(eventTimeOrderSql("ts", ["a"])).toBe("");
    expect(eventTimeOrderSql(null, ["ts"])).toBe("");
  });
});
