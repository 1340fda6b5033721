// The JavaScript a browser downloads on first load of each route, measured on
// the build the e2e run just made: no route over 300 kB gzipped.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_JS_BUDGET_BYTES, measureClientJs } from "../../../scripts/client-js-budget";

describe("client JavaScript per route", () => {
  it("keeps every route's first load within the budget", () => {
    const routes = measureClientJs(path.resolve(import.meta.dirname, ".."));
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(["/datasets", "/query", "/api-keys", "/usage"]));
    const over = routes.filter((r) => r.gzipBytes > CLIENT_JS_BUDGET_BYTES).map((r) => `${r.route}: ${r.gzipBytes} B`);
    expect(over).toEqual([]);
  });
});
