"use client";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { Input, Select } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatTime, plural } from "@/components/format";
import { useTRPC } from "@/trpc/client";

/** Every tenant's audit events for the operator, with a per-tenant chain check. */
export function PlatformAudit({ tenants }: { tenants: { id: string; slug: string }[] }) {
  const trpc = useTRPC();
  const [tenantId, setTenantId] = useState("");
  const [action, setAction] = useState("");
  const events = useInfiniteQuery(
    trpc.admin.audit.infiniteQueryOptions(
      { limit: 50, tenantId: tenantId || undefined, action: action || undefined },
      { getNextPageParam: (p) => p.nextCursor },
    ),
  );
  const verify = useMutation(trpc.admin.verifyChain.mutationOptions());
  const qc = useQueryClient();
  // The tenant's compliance report for the last 30 days, downloaded as JSON.
  const report = useMutation({
    mutationFn: async (id: string) => {
      const to = new Date();
      const input = { tenantId: id, from: new Date(to.getTime() - 30 * 86_400_000), to };
      const r = await qc.fetchQuery(trpc.admin.complianceReport.queryOptions(input));
      const text = JSON.stringify(r, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
      const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      Object.assign(document.createElement("a"), { href: url, download: `compliance-${r.tenant.slug}.json` }).click();
      URL.revokeObjectURL(url);
    },
  });
  const slug = new Map(tenants.map((t) => [t.id, t.slug]));
  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardHeader
        title="Audit log, all tenants"
        actions={
          <>
            <Select aria-label="Tenant" className="w-40" value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
              <option value="">All tenants</option>
              {tenants.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.slug}
                </option>
              ))}
            </Select>
            <Input
              aria-label="Action"
              placeholder="action prefix"
              className="w-40"
              value={action}
              onChange={(e) => setAction(e.target.value)}
            />
            <Button size="sm" disabled={!tenantId || verify.isPending} onClick={() => verify.mutate({ tenantId })}>
              Verify chain
            </Button>
            <Button
              size="sm"
              variant="secondary"
              disabled={!tenantId || report.isPending}
              onClick={() => report.mutate(tenantId)}
            >
              Compliance report
            </Button>
          </>
        }
      />
      {report.error ? (
        <CardBody>
          <Badge tone="danger">Compliance report failed: {report.error.message}</Badge>
        </CardBody>
      ) : null}
      {verify.data ? (
        <CardBody>
          {verify.data.ok ? (
            <Badge tone="success">Chain intact: {plural(verify.data.checked, "event")}</Badge>
          ) : (
            <Badge tone="danger">
              Broken at #{verify.data.firstBreak?.seq} ({verify.data.firstBreak?.problem})
            </Badge>
          )}
        </CardBody>
      ) : null}
      <div className="overflow-x-auto" tabIndex={0}>
        <table className="w-full text-sm">
          <TableHead labels={["Time", "Tenant", "#", "Action", "Actor", "Target"]} />
          <tbody className="divide-y divide-slate-100">
            {items.map((e) => (
              <tr key={e.id} data-testid="platform-audit-row">
                <td className="px-4 py-2 text-slate-600">{formatTime(e.createdAt)}</td>
                <td className="px-4 py-2 font-mono text-xs">{slug.get(e.tenantId) ?? e.tenantId}</td>
                <td className="px-4 py-2 tabular-nums text-slate-500">{e.seq}</td>
                <td className="px-4 py-2 font-mono">{e.action}</td>
                <td className="px-4 py-2 text-xs text-slate-600" title={e.actorId ?? undefined}>
                  {e.actorLabel ?? e.actorType.toLowerCase()}
                </td>
                <td className="px-4 py-2 font-mono text-xs">{e.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {events.hasNextPage ? (
        <div className="border-t border-slate-100 p-3 text-center">
          <Button variant="secondary" size="sm" onClick={() => void events.fetchNextPage()}>
            Load more
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
