"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { useTRPC } from "@/trpc/client";
import { ProcessCards } from "./process-cards";
import { QueueTable } from "./queue-table";
import { RateCard } from "./rate-card";

/** How often the page looks again; the charts gain a point each time. */
const REFRESH_MS = 5000;

/** The platform operator's System page: processes, queue, throughput and errors, live. */
export default function SystemPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.admin.system.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  if (status.error) return <ErrorNotice title="System status unavailable" message={status.error.message} />;
  const s = status.data;
  const history = (s?.history ?? []).map((p) => ({ ...p }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-xl font-semibold">System</h1>
        <Link href="/admin" className="text-sm text-indigo-700 hover:underline">
          ← Admin console
        </Link>
      </div>
      {!s ? (
        <p className="text-sm text-slate-500" role="status">
          Loading…
        </p>
      ) : (
        <>
          <section aria-label="Processes">
            <ProcessCards processes={s.processes} />
          </section>
          <Card>
            <CardHeader
              title="Job queue"
              description={
                s.queueSource === "worker"
                  ? "From the workers' metrics, refreshed every 5 s."
                  : "No worker answers: read from PostgreSQL."
              }
            />
            <QueueTable rows={s.queue} />
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <RateCard
              title="Web traffic"
              description="Requests and 5xx answers per second, this web process."
              testId="traffic-chart"
              history={history}
              unit="/s"
              series={[
                { key: "requestsPerSecond", label: "requests/s", color: "#4f46e5" },
                { key: "errorsPerSecond", label: "5xx/s", color: "#e11d48" },
              ]}
            />
            <RateCard
              title="Jobs"
              description="Jobs finished and failed attempts per minute; jobs waiting."
              testId="jobs-chart"
              history={history}
              unit=""
              series={[
                { key: "jobsPerMinute", label: "jobs/min", color: "#059669" },
                { key: "jobErrorsPerMinute", label: "failed attempts/min", color: "#e11d48" },
                { key: "queueWaiting", label: "waiting", color: "#d97706" },
              ]}
            />
          </div>
          {s.slots.length ? (
            <Card>
              <CardHeader title="Worker slots by tenant" description="The busiest tenants now; the rest as “other”." />
              <CardBody>
                <ul className="space-y-1 text-sm" data-testid="slots">
                  {s.slots.map((x) => (
                    <li key={x.tenant} className="flex justify-between font-mono text-xs">
                      <span>{x.tenant}</span>
                      <span className="tabular-nums">{x.slots}</span>
                    </li>
                  ))}
                </ul>
              </CardBody>
            </Card>
          ) : null}
        </>
      )}
    </div>
  );
}
