import { describe, expect, it } from "vitest";
import { parsePrometheus, sumOf } from "./parse-prometheus";

const TEXT = `# HELP x_total things
# TYPE x_total counter
x_total{app="web",route="/api/trpc",status="200"} 5
x_total{app="web",route="/api/trpc",status="503"} 2
x_total{app="web",route="/a\\"b",status="500"} 1
up 1
broken line
`;

describe("parsePrometheus", () => {
  it("reads samples with labels, including escaped quotes, and skips comments and junk", () => {
    const s = parsePrometheus(TEXT);
    expect(s).toHaveLength(4);
    expect(s[2]).toEqual({ name: "x_total", labels: { app: "web", route: '/a"b', status: "500" }, value: 1 });
    expect(sumOf(s, "x_total")).toBe(8);
    expect(sumOf(s, "x_total", { status: /^5/ })).toBe(3);
    expect(sumOf(s, "x_total", { route: "/api/trpc", status: "200" })).toBe(5);
    expect(sumOf(s, "up")).toBe(1);
  });
});
