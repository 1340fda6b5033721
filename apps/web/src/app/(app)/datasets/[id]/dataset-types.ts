import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

export type DatasetDetail = inferRouterOutputs<AppRouter>["dataset"]["get"];
export type VersionSummary = DatasetDetail["versions"][number];

export const LIVE_STATUSES = ["QUEUED", "INGESTING"];

export function formatDuration(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}
