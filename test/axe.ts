// Accessibility check for e2e suites: runs axe-core in the page and fails on
// serious or critical violations, naming the rule and the elements.
import fs from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The serious and critical violations on the page as it is now, one line each. */
export async function findA11yViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, not as a <script>, so a page's CSP cannot block it.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run({ resultTypes: ["violations"] });
    return r.violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Fails the test when the page has serious or critical accessibility violations. */
export async function expectAccessible(page: Page, what = page.url()): Promise<void> {
  expect(await findA11yViolations(page), `accessibility of ${what}`).toEqual([]);
}
