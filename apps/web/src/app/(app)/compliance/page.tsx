"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatTime } from "@/components/format";
import { useTRPC } from "@/trpc/client";
import { AccessMatrix } from "./access-matrix";
import { EncryptionCard } from "./encryption-card";

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The workspace's compliance report: who can read what, policy history, key usage, and the period's audit proof. */
export default function CompliancePage() {
  const trpc = useTRPC();
  const [from, setFrom] = useState(isoDay(new Date(Date.now() - 30 * DAY)));
  const [to, setTo] = useState(isoDay(new Date(Date.now() + DAY)));
  const period = { from: new Date(`${from}T00:00:00Z`), to: new Date(`${to}T00:00:00Z`) };
  const valid = !Number.isNaN(period.from.getTime()) && !Number.isNaN(period.to.getTime()) && period.from < period.to;
  const report = useQuery({ ...trpc.compliance.report.queryOptions(period), enabled: valid });
  const r = report.data;

  function download() {
    if (!r) return;
    const text = JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
    const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    const a = Object.assign(document.createElement("a"), {
      href: url,
      download: `compliance-${r.tenant.slug}-${from}-${to}.json`,
    });
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Compliance report"
          description="Who can access which datasets and columns, how policies changed, how API keys were used, and the period's audit events with the hashes that prove them complete."
        />
        <CardBody className="flex flex-wrap items-end gap-3">
          <div>
            <Label htmlFor="period-from">From (UTC)</Label>
            <Input id="period-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div>
            <Label htmlFor="period-to">To (UTC, not included)</Label>
            <Input id="period-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
          <Button variant="secondary" disabled={!r} onClick={download}>
            Download report (JSON)
          </Button>
          {r ? (
            <a className="text-sm text-indigo-700 underline" href={r.audit.exportUrl}>
              Export the period&apos;s audit events (NDJSON)
            </a>
          ) : null}
        </CardBody>
      </Card>
      <EncryptionCard />
      {!valid ? <ErrorNotice title="Check the period" message="from: must be a date before to." /> : null}
      {report.error ? <ErrorNotice message={report.error.message} /> : null}
      {valid && report.isLoading ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {r ? (
        <>
          <Card>
            <CardHeader title="Audit proof" />
            <CardBody className="space-y-1 text-sm" data-testid="audit-proof">
              <p>
                Chain{" "}
                {r.audit.chainVerified ? <Badge tone="success">verified</Badge> : <Badge tone="danger">broken</Badge>} (
                {r.audit.chainChecked} events checked)
              </p>
              <p>
                {r.audit.events} events in the period
                {r.audit.firstSeq !== null ? `, sequence ${r.audit.firstSeq} to ${r.audit.lastSeq}` : ""}.
              </p>
              <p className="font-mono text-xs break-all">anchor (hash before the first): {r.audit.anchorHash ?? "—"}</p>
              <p className="font-mono text-xs break-all">period head: {r.audit.periodHeadHash ?? "—"}</p>
              <p className="font-mono text-xs break-all">
                chain head now: {r.audit.chainHead ? `${r.audit.chainHead.seq} ${r.audit.chainHead.hash}` : "—"}
              </p>
            </CardBody>
          </Card>
          <AccessMatrix datasets={r.access.datasets} groups={r.access.groups} />
          <Card>
            <CardHeader title="API keys" />
            <div className="overflow-x-auto" tabIndex={0}>
              <table className="w-full text-sm">
                <TableHead labels={["Key", "Scopes", "Created", "Last used", "Audited actions in period", "Revoked"]} />
                <tbody className="divide-y divide-slate-100">
                  {r.apiKeys.map((k) => (
                    <tr key={k.id}>
                      <td className="px-5 py-2">
                        {k.name} <span className="font-mono text-xs text-slate-500">si_{k.prefix}</span>
                      </td>
                      <td className="px-5 py-2">{k.scopes.join(", ")}</td>
                      <td className="px-5 py-2 whitespace-nowrap">{formatTime(k.createdAt)}</td>
                      <td className="px-5 py-2 whitespace-nowrap">
                        {k.lastUsedAt ? formatTime(k.lastUsedAt) : "never"}
                      </td>
                      <td className="px-5 py-2 tabular-nums text-right">{k.auditedActionsInPeriod}</td>
                      <td className="px-5 py-2 whitespace-nowrap">{k.revokedAt ? formatTime(k.revokedAt) : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {!r.apiKeys.length ? <p className="px-5 py-3 text-sm text-slate-500">No API keys.</p> : null}
            </div>
          </Card>
          <Card>
            <CardHeader
              title="Policy history"
              description="Every change to groups, member attributes and dataset access policies."
            />
            <ul className="divide-y divide-slate-100 text-sm" data-testid="policy-history">
              {r.policyHistory.map((h) => (
                <li key={h.seq} className="px-5 py-2">
                  <span className="text-slate-500">{formatTime(h.at)}</span> ·{" "}
                  <span className="font-mono">{h.action}</span>
                  {h.target ? <span className="text-slate-500"> · {h.target}</span> : null}
                </li>
              ))}
              {!r.policyHistory.length ? <li className="px-5 py-3 text-slate-500">No policy changes.</li> : null}
            </ul>
          </Card>
        </>
      ) : null}
    </div>
  );
}
