"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { useTRPC } from "@/trpc/client";
import { RetentionEditor } from "./retention-editor";
import { RetentionOverview } from "./retention-overview";

/** What is kept and for how long; tenant admins also edit the policy here. */
export function RetentionCard() {
  const trpc = useTRPC();
  const retention = useQuery(trpc.retention.get.queryOptions());
  const me = useQuery(trpc.tenant.me.queryOptions());
  const canEdit = (me.data?.active?.permissions ?? []).includes("retention.manage");
  const r = retention.data;
  return (
    <Card>
      <CardHeader
        title="Retention"
        description="What this workspace stores, how long it keeps it, and what goes next. Everything here counts against storage."
      />
      <CardBody className="space-y-5">
        {retention.error ? <ErrorNotice message={retention.error.message} /> : null}
        {r ? (
          <>
            <RetentionOverview kept={r.kept} windowHours={r.windowHours} />
            {canEdit ? <RetentionEditor key={JSON.stringify(r.policy)} policy={r.policy} bounds={r.bounds} /> : null}
          </>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </CardBody>
    </Card>
  );
}
