"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { PolicyEditor } from "./policy-editor";
import { WhoSeesWhat } from "./who-sees-what";

/** "Who sees what" for every role and group, and for those who manage access, the policy editor. */
export function AccessPanel({ datasetId }: { datasetId: string }) {
  const trpc = useTRPC();
  const perms = usePermissions();
  const policy = useQuery(trpc.access.policy.queryOptions({ datasetId }));
  return (
    <Card id="access">
      <CardHeader
        title="Who sees what"
        description="Dataset permissions, column masks and row filters apply in queries, first rows, profiles, exports and the API."
      />
      <CardBody className="space-y-4">
        {policy.error ? <ErrorNotice message={policy.error.message} /> : null}
        {!policy.data && !policy.error ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {policy.data ? <WhoSeesWhat rows={policy.data.whoSees} /> : null}
        {policy.data && perms.has("access.manage") ? (
          <PolicyEditor
            key={String(policy.data.updatedAt ?? "open")}
            datasetId={datasetId}
            policy={policy.data.policy}
            columns={policy.data.columns}
            groups={policy.data.groups}
          />
        ) : null}
      </CardBody>
    </Card>
  );
}
