"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { cn } from "@scrollintel/ui/cn";
import { Select } from "@scrollintel/ui/input";
import type { Permission } from "@scrollintel/core/roles";
import { useTRPC } from "@/trpc/client";

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: "/datasets", label: "Datasets", permission: "dataset.read" },
  { href: "/upload", label: "Upload", permission: "upload.create" },
  { href: "/query", label: "Query", permission: "query.read" },
  { href: "/usage", label: "Usage", permission: "quota.read" },
  { href: "/members", label: "Members", permission: "member.manage" },
  { href: "/api-keys", label: "API keys", permission: "apikey.manage" },
  { href: "/audit", label: "Audit log", permission: "audit.read" },
];

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const pathname = usePathname();
  const me = useQuery(trpc.tenant.me.queryOptions());
  const switchTenant = useMutation(
    trpc.tenant.switch.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }),
  );
  const perms = new Set<Permission>(me.data?.active?.permissions ?? []);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4">
          <Link href="/datasets" className="text-lg font-semibold tracking-tight text-indigo-700">
            ScrollIntel
          </Link>
          <nav className="flex gap-1" aria-label="Main">
            {NAV.filter((n) => perms.has(n.permission)).map((n) => (
              <Link
                key={n.href}
                href={n.href}
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100",
                  pathname.startsWith(n.href) && "bg-indigo-50 text-indigo-700",
                )}
              >
                {n.label}
              </Link>
            ))}
            {me.data?.user?.isPlatformAdmin ? (
              <Link
                href="/admin"
                className={cn(
                  "rounded-md px-3 py-1.5 text-sm font-medium text-amber-700 hover:bg-amber-50",
                  pathname.startsWith("/admin") && "bg-amber-50",
                )}
              >
                Admin console
              </Link>
            ) : null}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            {me.data && me.data.memberships.length > 1 ? (
              <Select
                aria-label="Workspace"
                className="w-48"
                value={me.data.active?.slug}
                onChange={(e) => switchTenant.mutate({ slug: e.target.value })}
              >
                {me.data.memberships.map((m) => (
                  <option key={m.slug} value={m.slug}>
                    {m.name}
                  </option>
                ))}
              </Select>
            ) : (
              <span className="text-sm font-medium text-slate-700" data-testid="tenant-name">
                {me.data?.active?.name}
              </span>
            )}
            {me.data?.active ? <Badge tone="info">{me.data.active.role.toLowerCase()}</Badge> : null}
            {me.data?.active?.suspended ? <Badge tone="danger">suspended</Badge> : null}
            <span className="hidden text-sm text-slate-500 md:inline">{me.data?.user?.email}</span>
            <Button variant="ghost" size="sm" onClick={() => void signOut({ callbackUrl: "/signin" })}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
