"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { useTRPC } from "@/trpc/client";
import { ChangePasswordForm } from "./change-password-form";

/** The signed-in person's own account: who they are and their password. */
export default function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.tenant.me.queryOptions());
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-xl font-semibold text-slate-900">Your account</h1>
      <Card>
        <CardHeader title="Signed in as" />
        <CardBody>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">E-mail</dt>
            <dd className="min-w-0 break-all text-slate-900">{me.data?.user?.email ?? "…"}</dd>
            <dt className="text-slate-500">Workspace</dt>
            <dd className="min-w-0 break-words text-slate-900">
              {me.data?.active ? `${me.data.active.name} (${me.data.active.role.toLowerCase()})` : "none"}
            </dd>
          </dl>
        </CardBody>
      </Card>
      <ChangePasswordForm />
    </div>
  );
}
