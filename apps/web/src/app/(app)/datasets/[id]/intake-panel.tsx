"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { INTAKE_STATUS } from "@scrollintel/core/intake-options";
import { useTRPC } from "@/trpc/client";
import type { VersionSummary } from "./dataset-types";
import { DuplicateOffer } from "./duplicate-offer";
import { PreviewReview } from "./preview-review";

/**
 * A version before its ingest: being previewed, waiting for review, or
 * offered as a duplicate. Polls while the worker reads the file's head.
 */
export function IntakePanel({ version }: { version: VersionSummary }) {
  const trpc = useTRPC();
  const state = useQuery({
    ...trpc.dataset.intake.queryOptions({ versionId: version.id }),
    refetchInterval: (q) => (q.state.data?.status === INTAKE_STATUS.inspecting ? 1000 : false),
  });
  const qc = useQueryClient();
  const seen = state.data?.status;
  // The page's poll and the panel's may disagree for a moment: whichever moved on, both read again.
  useEffect(() => {
    if (seen && seen !== version.status) void qc.invalidateQueries(trpc.dataset.pathFilter());
  }, [seen, version.status, qc, trpc]);
  if (state.error) return <ErrorNotice title="Preview not available" message={state.error.message} />;
  const s = state.data;
  if (!s) return <p className="text-sm text-slate-500">Loading the preview…</p>;
  if (s.status === INTAKE_STATUS.duplicate && s.duplicateOf) return <DuplicateOffer state={s} />;
  if (s.status === INTAKE_STATUS.review || s.status === INTAKE_STATUS.inspecting) {
    return <PreviewReview key={JSON.stringify(s.preview?.options ?? s.options)} state={s} />;
  }
  return (
    <Card>
      <CardHeader title={`Version ${version.version}`} />
      <CardBody>
        <p className="text-sm text-slate-600">Reading the file: the ingest starts next.</p>
      </CardBody>
    </Card>
  );
}
