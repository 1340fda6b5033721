import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

export type DatasetDetail = inferRouterOutputs<AppRouter>["dataset"]["get"];
export type VersionSummary = DatasetDetail["versions"][number];

export const LIVE_STATUSES = ["QUEUED", "INGESTING"];
