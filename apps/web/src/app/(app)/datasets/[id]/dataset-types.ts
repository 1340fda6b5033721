import { LIVE_VERSION_STATUSES } from "@scrollintel/core/ingest-status";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/trpc/router";

export type DatasetDetail = inferRouterOutputs<AppRouter>["dataset"]["get"];
export type VersionSummary = DatasetDetail["versions"][number];

export const LIVE_STATUSES: readonly string[] = LIVE_VERSION_STATUSES;
export type IntakeState = inferRouterOutputs<AppRouter>["dataset"]["intake"];
