"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent } from "react";
import { Button } from "@scrollintel/ui/button";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { Input, Label } from "@scrollintel/ui/input";
import { CopyField } from "@/components/copy-field";
import { useTRPC } from "@/trpc/client";

export function CreateTenantForm() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const create = useMutation(trpc.admin.createTenant.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }));
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const ownerEmail = String(f.get("ownerEmail") ?? "").trim();
    create.mutate({
      slug: String(f.get("slug")),
      name: String(f.get("name")),
      ownerEmail: ownerEmail || undefined,
      storageGb: Number(f.get("storageGb")),
      maxFileGb: Number(f.get("maxFileGb")),
    });
  }
  return (
    <div className="space-y-3">
      <form onSubmit={onSubmit} className="space-y-3">
        <div>
          <Label htmlFor="t-slug">Slug</Label>
          <Input id="t-slug" name="slug" required pattern="[a-z][a-z0-9-]{1,38}[a-z0-9]" placeholder="initech" />
        </div>
        <div>
          <Label htmlFor="t-name">Name</Label>
          <Input id="t-name" name="name" required placeholder="Initech" />
        </div>
        <div>
          <Label htmlFor="t-owner">Owner email (optional)</Label>
          <Input id="t-owner" name="ownerEmail" type="email" />
        </div>
        <div className="grid grid-cols-2 gap-3">
          <div>
            <Label htmlFor="t-storage">Storage GiB</Label>
            <Input id="t-storage" name="storageGb" type="number" min={1} defaultValue={100} />
          </div>
          <div>
            <Label htmlFor="t-maxfile">Largest file GiB</Label>
            <Input id="t-maxfile" name="maxFileGb" type="number" min={1} defaultValue={1024} />
          </div>
        </div>
        <Button type="submit" disabled={create.isPending}>
          Create tenant
        </Button>
      </form>
      {create.error ? <ErrorNotice message={create.error.message} /> : null}
      {create.data ? (
        <div className="space-y-1" data-testid="owner-invite">
          <p className="text-xs text-slate-600">Owner invitation (shown once):</p>
          <CopyField
            label="Owner invitation link"
            value={`${window.location.origin}/invite/${create.data.ownerInviteToken}`}
          />
        </div>
      ) : null}
    </div>
  );
}
