"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ConfirmDialog } from "@scrollintel/ui/confirm-dialog";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { TableHead } from "@scrollintel/ui/table-head";
import { formatBytes } from "@/components/format";
import { StorageMeter } from "@/components/storage-meter";
import { useTRPC } from "@/trpc/client";
import { CreateTenantForm } from "./create-tenant-form";
import { PlatformAudit } from "./platform-audit";
import { QuotaEditor } from "./quota-editor";
import { ReconciliationCard } from "./reconciliation-card";

export default function AdminPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tenants = useQuery(trpc.admin.tenants.queryOptions());
  const setStatus = useMutation(
    trpc.admin.setTenantStatus.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }),
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [suspending, setSuspending] = useState<{ id: string; slug: string; name: string } | null>(null);
  if (tenants.error) return <ErrorNotice title="Admin console unavailable" message={tenants.error.message} />;
  return (
    <div className="space-y-6">
      <p className="text-sm">
        <Link href="/admin/system" className="font-medium text-indigo-700 hover:underline">
          System health →
        </Link>{" "}
        <span className="text-slate-500">web and worker processes, job queue, throughput and errors.</span>
      </p>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Tenants" description="Usage this month against each tenant's quotas." />
          {setStatus.error ? (
            <CardBody>
              <ErrorNotice message={setStatus.error.message} />
            </CardBody>
          ) : null}
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full text-sm">
              <TableHead labels={["Tenant", "Status", "Members · datasets", "Storage", "Ingest · scan (month)", ""]} />
              <tbody className="divide-y divide-slate-100">
                {tenants.data?.map((t) => (
                  <Fragment key={t.id}>
                    <tr data-testid="tenant-row" data-slug={t.slug}>
                      <td className="px-4 py-2">
                        <div className="font-medium">{t.name}</div>
                        <div className="font-mono text-xs text-slate-500">{t.slug}</div>
                      </td>
                      <td className="px-4 py-2">
                        <Badge tone={t.status === "ACTIVE" ? "success" : "danger"}>{t.status.toLowerCase()}</Badge>
                      </td>
                      <td className="px-4 py-2 tabular-nums">
                        {t.members} · {t.datasets}
                      </td>
                      <td className="px-4 py-2">
                        {t.quota ? <StorageMeter label="" srLabel={`Storage of ${t.name}`} quota={t.quota} /> : null}
                      </td>
                      <td className="px-4 py-2 text-xs text-slate-600">
                        {formatBytes(t.month?.ingestBytes ?? 0n)} · {formatBytes(t.month?.scanBytes ?? 0n)}
                      </td>
                      <td className="whitespace-nowrap px-4 py-2 text-right">
                        <Button
                          size="sm"
                          variant="secondary"
                          onClick={() => setEditing(editing === t.id ? null : t.id)}
                        >
                          Quotas
                        </Button>{" "}
                        <Button
                          size="sm"
                          variant={t.status === "ACTIVE" ? "danger" : "secondary"}
                          onClick={() =>
                            t.status === "ACTIVE"
                              ? setSuspending({ id: t.id, slug: t.slug, name: t.name })
                              : setStatus.mutate({ tenantId: t.id, status: "ACTIVE" })
                          }
                        >
                          {t.status === "ACTIVE" ? "Suspend" : "Reactivate"}
                        </Button>
                      </td>
                    </tr>
                    {editing === t.id && t.quota ? (
                      <tr>
                        <td colSpan={6}>
                          <QuotaEditor quota={t.quota} onDone={() => setEditing(null)} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <Card>
          <CardHeader title="New tenant" />
          <CardBody>
            <CreateTenantForm />
          </CardBody>
        </Card>
      </div>
      <ConfirmDialog
        open={suspending !== null}
        title={`Suspend ${suspending?.name ?? ""}?`}
        confirmLabel="Suspend tenant"
        tone="danger"
        typeToConfirm={suspending?.slug}
        busy={setStatus.isPending}
        error={setStatus.error?.message}
        onClose={() => setSuspending(null)}
        onConfirm={() =>
          suspending &&
          setStatus.mutate({ tenantId: suspending.id, status: "SUSPENDED" }, { onSuccess: () => setSuspending(null) })
        }
      >
        <p>
          Its members (and its API keys) can still sign in and read datasets, past query results and usage, but every
          upload, query and change is refused until you reactivate it. They see a banner saying so on every page.
        </p>
      </ConfirmDialog>
      <ReconciliationCard />
      <PlatformAudit tenants={tenants.data?.map((t) => ({ id: t.id, slug: t.slug })) ?? []} />
    </div>
  );
}
