import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDuck, openDuck, type Duck } from "./open-duck";
import { refuseUnlistedSql } from "./sql-allowlist";
import { collectSqlFacts, serializeSql } from "./sql-allowlist-tree";

// The walker refuses what it does not know instead of guessing: a node kind a
// later DuckDB adds to its parse tree is refused until the walker learns it.
let duck: Duck;
beforeAll(async () => {
  duck = await openDuck({ memoryLimit: "128MB", threads: 1, tempDir: path.join(os.tmpdir(), "si-tree-spill") });
});
afterAll(() => closeDuck(duck));

const select = (from: unknown, list: unknown[] = []) => ({
  statements: [{ node: { type: "SELECT_NODE", cte_map: { map: [] }, select_list: list, from_table: from } }],
});

describe("the parse-tree walker", () => {
  it.each([
    ["a table reference", select({ type: "TIME_TRAVEL_REF", sample: null }), "the table reference TIME_TRAVEL_REF"],
    [
      "an expression",
      select({ type: "EMPTY", sample: null }, [{ class: "MAGIC", type: "MAGIC" }]),
      "the expression MAGIC",
    ],
    [
      "a query node",
      { statements: [{ node: { type: "GRAPH_NODE", cte_map: { map: [] } } }] },
      "the query node GRAPH_NODE",
    ],
    [
      "a nameless call",
      select({ type: "EMPTY", sample: null }, [{ class: "FUNCTION", type: "FUNCTION" }]),
      "a FUNCTION without a name",
    ],
  ])("refuses an unknown kind of %s", async (_what, tree, kind) => {
    const facts = collectSqlFacts(tree);
    expect(facts.unknown).toEqual([kind]);
    await expect(refuseUnlistedSql(duck.conn, facts)).rejects.toThrow(
      `This query uses ${kind}, which the query sandbox cannot check.`,
    );
  });

  it("finds calls in every clause, and table functions apart from scalar calls", async () => {
    const tree = await serializeSql(
      duck.conn,
      `WITH c AS (SELECT abs(1) AS a) SELECT sum(a) FILTER (WHERE ln(a) > 0) OVER (ORDER BY cos(a)),
         list_transform([1], x -> sin(x)) FROM c, range(exp(1)::INT) WHERE tan(1) > 0 GROUP BY ALL
         HAVING floor(1) > 0 QUALIFY ceil(1) > 0 ORDER BY sqrt(1)`,
    );
    const facts = collectSqlFacts(tree!);
    expect(facts.functions.map((f) => f.name).sort()).toEqual(
      ["abs", "ceil", "cos", "exp", "floor", "list_transform", "list_value", "ln", "sin", "sqrt", "sum", "tan"].sort(),
    );
    expect(facts.tableFunctions.map((f) => f.name)).toEqual(["range"]);
    expect(facts.tables).toEqual([{ name: "c", schema: "", catalog: "" }]);
    expect(facts.cteNames).toEqual(["c"]);
  });

  it("answers null for what DuckDB cannot serialize", async () => {
    expect(await serializeSql(duck.conn, "CALL enable_logging()")).toBeNull();
    expect(await serializeSql(duck.conn, "SELECT (")).toBeNull();
  });
});
