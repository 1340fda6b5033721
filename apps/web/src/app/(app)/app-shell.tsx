"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import { Badge } from "@scrollintel/ui/badge";
import { Button } from "@scrollintel/ui/button";
import { cn } from "@scrollintel/ui/cn";
import { Select } from "@scrollintel/ui/input";
import type { Permission } from "@scrollintel/shared/roles";
import { useTRPC } from "@/trpc/client";
import { NoWorkspace, SuspendedBanner } from "./shell-notices";

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: "/datasets", label: "Datasets", permission: "dataset.read" },
  { href: "/upload", label: "Upload", permission: "upload.create" },
  { href: "/query", label: "Query", permission: "query.read" },
  { href: "/trash", label: "Trash", permission: "dataset.read" },
  { href: "/usage", label: "Usage", permission: "quota.read" },
  { href: "/members", label: "Members", permission: "member.manage" },
  { href: "/api-keys", label: "API keys", permission: "apikey.manage" },
  { href: "/connectors", label: "Connectors", permission: "connector.manage" },
  { href: "/audit", label: "Audit log", permission: "audit.read" },
  { href: "/compliance", label: "Compliance", permission: "compliance.read" },
];

/** Pages that work without a workspace (the operator's console and the docs). */
const WORKSPACE_FREE = ["/admin", "/docs", "/account"];

export function AppShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const pathname = usePathname();
  const me = useQuery(trpc.tenant.me.queryOptions());
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  const switchTenant = useMutation(
    trpc.tenant.switch.mutationOptions({ onSuccess: () => void qc.invalidateQueries() }),
  );
  const perms = new Set<Permission>(me.data?.active?.permissions ?? []);
  const links = NAV.filter((n) => perms.has(n.permission)).map((n) => ({ ...n, admin: false }));
  if (me.data?.user?.isPlatformAdmin)
    links.push({ href: "/admin", label: "Admin console", permission: "dataset.read", admin: true });
  const navLinks = links.map((n) => (
    <Link
      key={n.href}
      href={n.href}
      aria-current={pathname.startsWith(n.href) ? "page" : undefined}
      className={cn(
        "rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap",
        n.admin ? "text-amber-800 hover:bg-amber-50" : "text-slate-600 hover:bg-slate-100",
        pathname.startsWith(n.href) && (n.admin ? "bg-amber-50" : "bg-indigo-50 text-indigo-700"),
      )}
    >
      {n.label}
    </Link>
  ));
  const workspace =
    me.data && me.data.memberships.length > 1 ? (
      <Select
        aria-label="Workspace"
        className="w-full md:w-48"
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
      <span className="text-sm font-medium whitespace-nowrap text-slate-700" data-testid="tenant-name">
        {me.data?.active?.name}
      </span>
    );
  const signOutButton = (
    <Button
      variant="ghost"
      size="sm"
      className="whitespace-nowrap"
      onClick={() => void signOut({ callbackUrl: "/signin" })}
    >
      Sign out
    </Button>
  );
  // The e-mail opens the person's own account page (password change). With the admin links the
  // desktop bar is full below 2xl, so there it reads "Account"; the phone menu always has the e-mail.
  const accountLink = (label: ReactNode) => (
    <Link
      href="/account"
      title="Your account"
      aria-current={pathname === "/account" ? "page" : undefined}
      className="text-sm text-slate-600 underline-offset-2 hover:text-indigo-700 hover:underline"
      data-testid="account-link"
    >
      {label}
    </Link>
  );
  const noWorkspace = me.data && !me.data.active && !WORKSPACE_FREE.some((p) => pathname.startsWith(p));
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex min-h-14 max-w-7xl items-center gap-x-4 px-4">
          {/* "/" lands each person where they work: datasets, or the console for an operator without a workspace. */}
          <Link href="/" className="text-lg font-semibold tracking-tight text-indigo-700">
            ScrollIntel
          </Link>
          <nav className="hidden gap-1 md:flex" aria-label="Main">
            {navLinks}
          </nav>
          <div className="ml-auto hidden items-center gap-3 md:flex">
            {workspace}
            {me.data?.active ? <Badge tone="info">{me.data.active.role.toLowerCase()}</Badge> : null}
            {me.data?.active?.suspended ? <Badge tone="danger">suspended</Badge> : null}
            {accountLink(
              <>
                <span className="2xl:hidden">Account</span>
                <span className="hidden 2xl:inline">{me.data?.user?.email}</span>
              </>,
            )}
            {signOutButton}
          </div>
          {/* On a phone everything but the logo lives in a menu, so nothing runs off the screen. */}
          <Button
            variant="secondary"
            size="sm"
            className="ml-auto md:hidden"
            aria-expanded={menuOpen}
            aria-controls="mobile-menu"
            onClick={() => setMenuOpen((o) => !o)}
          >
            {menuOpen ? "Close" : "Menu"}
          </Button>
        </div>
        {menuOpen ? (
          <div id="mobile-menu" className="space-y-3 border-t border-slate-100 px-4 py-3 md:hidden">
            <nav className="flex flex-col gap-1" aria-label="Main">
              {navLinks}
            </nav>
            <div className="space-y-2 border-t border-slate-100 pt-3">
              {workspace}
              <p className="truncate text-sm text-slate-600">
                {accountLink(me.data?.user?.email)}
                {me.data?.active ? ` · ${me.data.active.role.toLowerCase()}` : ""}
              </p>
              {signOutButton}
            </div>
          </div>
        ) : null}
      </header>
      {me.data?.active?.suspended ? <SuspendedBanner name={me.data.active.name} /> : null}
      <main className="mx-auto max-w-7xl px-4 py-6">
        {noWorkspace ? <NoWorkspace admin={!!me.data?.user?.isPlatformAdmin} /> : children}
      </main>
    </div>
  );
}
