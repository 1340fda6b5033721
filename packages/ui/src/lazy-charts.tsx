"use client";
import { lazy, Suspense, type ComponentProps } from "react";
import type { HistogramChart } from "./histogram-chart";
import type { RateChart } from "./rate-chart";
import type { ResultChart } from "./result-chart";

// recharts is the largest library a page loads; these load it after the page
// is up instead of in its first-load JavaScript. Same props as the eager ones.
const ResultChartImpl = lazy(() => import("./result-chart").then((m) => ({ default: m.ResultChart })));
const HistogramChartImpl = lazy(() => import("./histogram-chart").then((m) => ({ default: m.HistogramChart })));
const RateChartImpl = lazy(() => import("./rate-chart").then((m) => ({ default: m.RateChart })));

/** A box of the chart's height while recharts loads, so nothing jumps. */
function Placeholder({ height }: { height: number }) {
  return <div style={{ width: "100%", height }} aria-hidden="true" />;
}

export function LazyResultChart(props: ComponentProps<typeof ResultChart>) {
  return (
    <Suspense fallback={<Placeholder height={props.height ?? 320} />}>
      <ResultChartImpl {...props} />
    </Suspense>
  );
}

export function LazyHistogramChart(props: ComponentProps<typeof HistogramChart>) {
  return (
    <Suspense fallback={<Placeholder height={props.height ?? 120} />}>
      <HistogramChartImpl {...props} />
    </Suspense>
  );
}

export function LazyRateChart(props: ComponentProps<typeof RateChart>) {
  return (
    <Suspense fallback={<Placeholder height={props.height ?? 160} />}>
      <RateChartImpl {...props} />
    </Suspense>
  );
}
