"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ROLE_DESCRIPTIONS, ROLES, type RoleName } from "@scrollintel/shared/roles";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label, Select } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { CopyField } from "@/components/copy-field";
import { formatTime } from "@/components/format";
import { usePermissions } from "@/components/use-permissions";
import { useTRPC } from "@/trpc/client";
import { AccessGroups } from "./access-groups";

const ROLE_OPTIONS = ROLES.map((r) => (
  <option key={r} value={r}>
    {r.toLowerCase()}
  </option>
));

export default function MembersPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const members = useQuery(trpc.member.list.queryOptions());
  const invites = useQuery(trpc.member.invitations.queryOptions());
  const refresh = () => void qc.invalidateQueries();
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.member.revokeInvitation.mutationOptions({ onSuccess: refresh }));
  const invite = useMutation(trpc.member.invite.mutationOptions({ onSuccess: refresh }));
  const [role, setRole] = useState<RoleName>("ANALYST");
  const perms = usePermissions();
  const error = changeRole.error ?? remove.error ?? invite.error ?? revoke.error;

  function onInvite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get("email") ?? "").trim();
    invite.mutate({ role, email: email || undefined });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader title="Members" description="Who can use this workspace, and what they may do." />
        {error ? (
          <CardBody>
            <ErrorNotice message={error.message} />
          </CardBody>
        ) : null}
        <div className="overflow-x-auto" tabIndex={0}>
          <table className="w-full text-sm">
            <TableHead labels={["Name", "Email", "Role", ""]} />
            <tbody className="divide-y divide-slate-100">
              {members.data?.map((m) => (
                <tr key={m.userId} data-testid="member-row">
                  <td className="px-5 py-2">{m.name}</td>
                  <td className="px-5 py-2 text-slate-600">{m.email}</td>
                  <td className="px-5 py-2">
                    <Select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      className="w-36"
                      onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as RoleName })}
                    >
                      {ROLE_OPTIONS}
                    </Select>
                  </td>
                  <td className="px-5 py-2 text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => {
                        if (window.confirm(`Remove ${m.email} from this workspace?`))
                          remove.mutate({ userId: m.userId });
                      }}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Invite"
            description="Anyone with the link can join with the role you pick, once, within 7 days."
          />
          <CardBody>
            <form onSubmit={onInvite} className="space-y-3">
              <div>
                <Label htmlFor="invite-email">Email (optional: restricts the link)</Label>
                <Input id="invite-email" name="email" type="email" placeholder="colleague@company.com" />
              </div>
              <div>
                <Label htmlFor="invite-role">Role</Label>
                <Select
                  id="invite-role"
                  value={role}
                  aria-describedby="invite-role-help"
                  onChange={(e) => setRole(e.target.value as RoleName)}
                >
                  {ROLE_OPTIONS}
                </Select>
                <p id="invite-role-help" className="mt-1 text-xs text-slate-500">
                  {ROLE_DESCRIPTIONS[role]}
                </p>
              </div>
              <Button type="submit" disabled={invite.isPending}>
                Create invitation link
              </Button>
            </form>
            {invite.data ? (
              <div className="mt-4 space-y-1" data-testid="invite-link">
                <p className="text-xs text-slate-600">Send this link; it is shown only now.</p>
                <CopyField label="Invitation link" value={`${window.location.origin}/invite/${invite.data.token}`} />
              </div>
            ) : null}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Roles" />
          <CardBody>
            <dl className="space-y-2 text-sm" data-testid="role-descriptions">
              {ROLES.map((r) => (
                <div key={r}>
                  <dt className="font-medium">{r.toLowerCase()}</dt>
                  <dd className="text-slate-600">{ROLE_DESCRIPTIONS[r]}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Pending invitations" />
          <CardBody>
            {invites.data?.length ? (
              <ul className="divide-y divide-slate-100 text-sm">
                {invites.data.map((i) => (
                  <li key={i.id} className="flex items-center justify-between py-2">
                    <span>
                      {i.email ?? "anyone with the link"} · {i.role.toLowerCase()}
                      <span className="block text-xs text-slate-500">expires {formatTime(i.expiresAt)}</span>
                    </span>
                    <Button size="sm" variant="ghost" onClick={() => revoke.mutate({ id: i.id })}>
                      Revoke
                    </Button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">None.</p>
            )}
          </CardBody>
        </Card>
      </div>
      {perms.has("access.manage") && members.data ? <AccessGroups members={members.data} /> : null}
    </div>
  );
}
