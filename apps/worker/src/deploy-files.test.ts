// The Grafana dashboard and the Prometheus alert rules kept in deploy/ name
// only metrics the code exports: a renamed metric fails here, not silently on
// an operator's dashboard.
import fs from "node:fs";
import path from "node:path";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerPoolMetrics } from "@scrollintel/core/metrics/pool-metrics";
import { registerQueueMetrics } from "@scrollintel/core/metrics/queue-metrics";
import { webMetrics } from "@scrollintel/core/metrics/web-metrics";
import { workerMetrics } from "@scrollintel/core/metrics/worker-metrics";
import { registerDiskMetrics, registerDuckMetrics } from "./duck-metrics";

const deploy = path.resolve(import.meta.dirname, "../../../deploy");

/** Every series name a scrape can show: histograms add _bucket, _count and _sum. */
function exportedNames(): Set<string> {
  const extra = new Registry();
  registerQueueMetrics(extra, () => null as never);
  registerPoolMetrics(extra, () => ({}));
  registerDuckMetrics(extra, { workDir: "/nonexistent", enginePids: () => [] });
  registerDiskMetrics(extra, "/");
  const names = new Set<string>(["up"]);
  for (const r of [webMetrics().registry, workerMetrics().registry, extra]) {
    for (const m of r.getMetricsAsArray()) {
      names.add(m.name);
      if ((m as unknown as { type: string }).type === "histogram")
        for (const s of ["_bucket", "_count", "_sum"]) names.add(m.name + s);
    }
  }
  return names;
}

/** Metric names in PromQL: scrollintel_*, process_* and up (label names and functions are not matched). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(scrollintel_[a-z_]+|process_[a-z_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]!);
}

describe("deploy files", () => {
  const names = exportedNames();

  it("the dashboard's panels use exported metrics, and cover what operators watch", () => {
    const dash = JSON.parse(fs.readFileSync(path.join(deploy, "grafana/dashboards/scrollintel.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const used = dash.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr)));
    expect(used.length).toBeGreaterThan(20);
    for (const m of used) expect(names, `dashboard uses ${m}`).toContain(m);
    const titles = dash.panels.map((p) => p.title.toLowerCase()).join(" | ");
    for (const topic of ["traffic", "errors", "latency", "queue", "ingest", "query", "per-tenant"])
      expect(titles).toContain(topic);
  });

  it("the alert rules use exported metrics and cover queue lag, errors, disk and failed jobs", () => {
    const text = fs.readFileSync(path.join(deploy, "prometheus/alerts.yml"), "utf8");
    const exprs = [...text.matchAll(/expr: (\|\n((?: {10}.*\n)+)|.*)/g)].map((m) => m[2] ?? m[1]!);
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    for (const e of exprs) {
      const used = metricsIn(e);
      expect(used.length, e).toBeGreaterThan(0);
      for (const m of used) expect(names, `alert uses ${m}`).toContain(m);
    }
    for (const alert of ["JobQueueLag", "HighErrorRate", "DiskAlmostFull", "JobsFailing"])
      expect(text).toContain(`alert: ${alert}`);
  });

  it("Prometheus scrapes both endpoints with the token", () => {
    const text = fs.readFileSync(path.join(deploy, "prometheus/prometheus.yml"), "utf8");
    expect(text).toContain("metrics_path: /api/metrics");
    expect(text).toContain("metrics_path: /metrics");
    expect(text.match(/credentials_file: \/run\/secrets\/metrics_token/g)).toHaveLength(2);
  });
});
