"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import {
  API_KEY_EXPIRY_DAYS,
  API_KEY_SCOPES,
  SCOPE_DESCRIPTIONS,
  type ApiKeyScope,
} from "@scrollintel/shared/api-key-scopes";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { EmptyState, ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label, Select } from "@scrollintel/ui/input";
import { TableHead } from "@scrollintel/ui/table-head";
import { CopyField } from "@/components/copy-field";
import { formatTime } from "@/components/format";
import { useTRPC } from "@/trpc/client";

/** "never", "expired", or the day it stops working. */
function expiryLabel(expiresAt: Date | string | null): { text: string; expired: boolean } {
  if (!expiresAt) return { text: "never", expired: false };
  const at = new Date(expiresAt);
  return { text: at.getTime() <= Date.now() ? "expired" : formatTime(at), expired: at.getTime() <= Date.now() };
}

export default function ApiKeysPage() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.apiKey.list.queryOptions());
  const create = useMutation(trpc.apiKey.create.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  const revoke = useMutation(trpc.apiKey.revoke.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["read", "query"]);

  function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    const days = String(new FormData(e.currentTarget).get("expires") ?? "");
    create.mutate({ name, scopes, expiresInDays: days ? Number(days) : null });
  }

  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="API keys"
          description={
            <>
              For integrations: send <code className="font-mono">Authorization: Bearer &lt;key&gt;</code> to the tRPC
              API and the upload endpoint. See the{" "}
              <Link className="text-indigo-700 underline" href="/docs/integrations">
                integration guide
              </Link>
              .
            </>
          }
        />
        {keys.data && !keys.data.length ? (
          <CardBody>
            <EmptyState title="No API keys yet">Create one on the right; it is shown once.</EmptyState>
          </CardBody>
        ) : (
          <div className="overflow-x-auto" tabIndex={0}>
            <table className="w-full text-sm">
              <TableHead labels={["Name", "Key", "Scopes", "Last used", "Expires", ""]} />
              <tbody className="divide-y divide-slate-100">
                {keys.data?.map((k) => (
                  <tr key={k.id} data-testid="api-key-row">
                    <td className="px-5 py-2">{k.name}</td>
                    <td className="px-5 py-2 font-mono text-xs">si_{k.prefix}_…</td>
                    <td className="px-5 py-2">
                      <div className="flex flex-wrap gap-1">
                        {k.scopes.map((s) => (
                          <Badge key={s}>{s}</Badge>
                        ))}
                      </div>
                    </td>
                    <td className="px-5 py-2 text-slate-500">{k.lastUsedAt ? formatTime(k.lastUsedAt) : "never"}</td>
                    <td className="px-5 py-2 whitespace-nowrap" data-testid="api-key-expiry">
                      {expiryLabel(k.expiresAt).expired ? (
                        <Badge tone="danger">expired</Badge>
                      ) : (
                        <span className="text-slate-500">{expiryLabel(k.expiresAt).text}</span>
                      )}
                    </td>
                    <td className="px-5 py-2 text-right">
                      {k.revokedAt ? (
                        <Badge tone="danger">revoked</Badge>
                      ) : (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => {
                            if (window.confirm(`Revoke ${k.name}? Integrations using it stop working at once.`))
                              revoke.mutate({ id: k.id });
                          }}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        <CardHeader title="New key" />
        <CardBody>
          <form onSubmit={onCreate} className="space-y-3">
            <div>
              <Label htmlFor="key-name">Name</Label>
              <Input id="key-name" name="name" required placeholder="nightly-etl" />
            </div>
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-slate-700">Scopes</legend>
              {API_KEY_SCOPES.map((s) => (
                <label key={s} className="flex items-start gap-2 py-1 text-sm">
                  <input
                    type="checkbox"
                    className="mt-0.5"
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
                  />
                  <span>
                    <span className="font-medium">{s}</span>{" "}
                    <span className="text-slate-500">— {SCOPE_DESCRIPTIONS[s]}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div>
              <Label htmlFor="key-expires">Expires</Label>
              <Select id="key-expires" name="expires" defaultValue="90">
                {API_KEY_EXPIRY_DAYS.map((d) => (
                  <option key={String(d)} value={d ?? ""}>
                    {d === null ? "never" : d === 365 ? "in 1 year" : `in ${d} days`}
                  </option>
                ))}
              </Select>
            </div>
            <Button type="submit" disabled={create.isPending || !scopes.length}>
              Create key
            </Button>
          </form>
          {create.error ? <ErrorNotice message={create.error.message} /> : null}
          {create.data ? (
            <div className="mt-4 space-y-1" data-testid="new-api-key">
              <p className="text-xs font-medium text-amber-700">Copy it now: this key is not shown again.</p>
              <CopyField label="New API key" value={create.data.key} />
            </div>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}
