"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { useTRPC } from "@/trpc/client";

interface Member {
  userId: string;
  email: string;
  attributes: Record<string, string> | null;
}

/** "region=EU, team=north" <-> { region: "EU", team: "north" } */
function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const [k, ...v] = part.split("=");
    if (k?.trim()) out[k.trim()] = v.join("=").trim();
  }
  return out;
}
const showAttributes = (a: Record<string, string> | null) =>
  Object.entries(a ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");

/** Groups for dataset access policies, and the attributes row filters read (`user.region`). */
export function AccessGroups({ members }: { members: Member[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const refresh = () => void qc.invalidateQueries();
  const groups = useQuery(trpc.access.groups.queryOptions());
  const create = useMutation(trpc.access.createGroup.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.access.deleteGroup.mutationOptions({ onSuccess: refresh }));
  const setMembers = useMutation(trpc.access.setGroupMembers.mutationOptions({ onSuccess: refresh }));
  const setAttrs = useMutation(trpc.access.setMemberAttributes.mutationOptions({ onSuccess: refresh }));
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const error = create.error ?? remove.error ?? setMembers.error ?? setAttrs.error ?? groups.error;

  function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    if (name) create.mutate({ name }, { onSuccess: () => form.reset() });
  }

  return (
    <Card className="lg:col-span-3" id="access-groups">
      <CardHeader
        title="Access groups and attributes"
        description="Dataset access policies name roles and groups; row filters can read a member's attributes (user.region)."
      />
      <CardBody className="space-y-5">
        {error ? <ErrorNotice message={error.message} /> : null}
        <form onSubmit={onCreate} className="flex flex-wrap items-end gap-2">
          <div>
            <Label htmlFor="group-name">New group</Label>
            <Input id="group-name" name="name" placeholder="e.g. finance" maxLength={80} className="w-56" />
          </div>
          <Button type="submit" disabled={create.isPending}>
            Create group
          </Button>
        </form>
        {groups.data?.length === 0 ? <p className="text-sm text-slate-500">No groups yet.</p> : null}
        <ul className="space-y-3">
          {groups.data?.map((g) => (
            <li key={g.id} className="rounded-md border border-slate-200 p-3" data-testid="access-group">
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium">{g.name}</span>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    if (window.confirm(`Delete the group ${g.name}? Policies naming it then match nobody.`))
                      remove.mutate({ groupId: g.id });
                  }}
                >
                  Delete
                </Button>
              </div>
              <fieldset className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-sm">
                <legend className="sr-only">Members of {g.name}</legend>
                {members.map((m) => (
                  <label key={m.userId} className="flex items-center gap-1.5 break-all">
                    <input
                      type="checkbox"
                      checked={g.userIds.includes(m.userId)}
                      onChange={(e) =>
                        setMembers.mutate({
                          groupId: g.id,
                          userIds: e.target.checked
                            ? [...g.userIds, m.userId]
                            : g.userIds.filter((u) => u !== m.userId),
                        })
                      }
                    />
                    {m.email}
                  </label>
                ))}
              </fieldset>
            </li>
          ))}
        </ul>
        <div className="space-y-2">
          <h3 className="text-sm font-medium text-slate-800">Member attributes</h3>
          {members.map((m) => {
            const value = drafts[m.userId] ?? showAttributes(m.attributes);
            return (
              <form
                key={m.userId}
                className="grid gap-2 sm:grid-cols-[16rem_1fr_auto] sm:items-center"
                onSubmit={(e) => {
                  e.preventDefault();
                  setAttrs.mutate({ userId: m.userId, attributes: parseAttributes(value) });
                }}
              >
                <Label htmlFor={`attrs-${m.userId}`} className="break-all">
                  {m.email}
                </Label>
                <Input
                  id={`attrs-${m.userId}`}
                  className="font-mono"
                  placeholder="region=EU, team=north"
                  value={value}
                  onChange={(e) => setDrafts({ ...drafts, [m.userId]: e.target.value })}
                />
                <Button type="submit" size="sm" variant="secondary" disabled={setAttrs.isPending}>
                  Save
                </Button>
              </form>
            );
          })}
        </div>
      </CardBody>
    </Card>
  );
}
