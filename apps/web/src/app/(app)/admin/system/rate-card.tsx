"use client";
import { lazy, Suspense } from "react";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { EmptyState } from "@scrollintel/ui/empty-state";
import type { RateSeries } from "./rate-chart";

// recharts loads after the page (it would put the route over its JavaScript budget).
const RateChart = lazy(() => import("./rate-chart").then((m) => ({ default: m.RateChart })));

/** One live chart of the System page: "Collecting" until it has two points to draw a line through. */
export function RateCard(props: {
  title: string;
  description: string;
  testId: string;
  history: Record<string, number>[];
  unit: string;
  series: RateSeries[];
}) {
  return (
    <Card>
      <CardHeader title={props.title} description={props.description} />
      <CardBody>
        {props.history.length < 2 ? (
          <EmptyState title="Collecting">A point is added every 5 s while this page is open.</EmptyState>
        ) : (
          <Suspense fallback={<div style={{ height: 200 }} aria-hidden="true" />}>
            <RateChart testId={props.testId} data={props.history} unit={props.unit} series={props.series} />
          </Suspense>
        )}
      </CardBody>
    </Card>
  );
}
