"use client";
import { Badge } from "@scrollintel/ui/badge";
import { Card, CardBody } from "@scrollintel/ui/card";
import { StatList } from "@scrollintel/ui/stat-list";
import { formatBytes, formatDuration } from "@/components/format";
import type { ProcessStatus } from "@/server/system/system-status";

/** One card per process: up or down (and why), memory and uptime from its own metrics. */
export function ProcessCards({ processes }: { processes: ProcessStatus[] }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {processes.map((p) => (
        <Card key={p.name} data-testid="process-card" data-kind={p.kind} data-up={p.up}>
          <CardBody className="space-y-2">
            <div className="flex items-center justify-between gap-2">
              <span className="font-medium">{p.name}</span>
              <Badge tone={p.up ? "success" : "danger"}>{p.up ? "up" : "down"}</Badge>
            </div>
            {p.up ? (
              <StatList
                items={[
                  {
                    label: "Memory (RSS)",
                    value: p.rssBytes === null ? "—" : formatBytes(BigInt(Math.round(p.rssBytes))),
                  },
                  { label: "Uptime", value: p.uptimeSeconds === null ? "—" : formatDuration(p.uptimeSeconds) },
                ]}
              />
            ) : (
              <p className="text-sm text-rose-700">{p.problem}</p>
            )}
          </CardBody>
        </Card>
      ))}
    </div>
  );
}
