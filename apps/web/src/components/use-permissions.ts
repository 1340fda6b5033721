"use client";
import { useQuery } from "@tanstack/react-query";
import type { Permission } from "@scrollintel/shared/roles";
import { useTRPC } from "@/trpc/client";

/** What the signed-in member may do in the active tenant (buttons they may not use are not shown). */
export function usePermissions(): ReadonlySet<Permission> {
  const trpc = useTRPC();
  const me = useQuery(trpc.tenant.me.queryOptions());
  return new Set<Permission>(me.data?.active?.permissions ?? []);
}
