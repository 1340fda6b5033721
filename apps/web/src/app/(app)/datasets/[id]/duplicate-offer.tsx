"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { DuplicateChoice } from "@scrollintel/core/intake-options";
import { Button } from "@scrollintel/ui/button";
import { Card, CardBody, CardHeader } from "@scrollintel/ui/card";
import { ErrorNotice } from "@scrollintel/ui/empty-state";
import { useTRPC } from "@/trpc/client";
import type { IntakeState } from "./dataset-types";

const CHOICES: { choice: DuplicateChoice; label: string; says: (name: string) => string }[] = [
  { choice: "replace", label: "Replace", says: (n) => `A new version of ${n}; queries see it once it is ready.` },
  { choice: "append", label: "Append", says: (n) => `Its rows are added to ${n} as a new version.` },
  { choice: "keep", label: "Keep both", says: () => "A separate dataset, as if it were a new file." },
];

/** The file is already a READY version of the tenant: replace, append or keep both, before anything is ingested. */
export function DuplicateOffer({ state }: { state: IntakeState }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const dup = state.duplicateOf!;
  const decide = useMutation(
    trpc.dataset.resolveDuplicate.mutationOptions({
      onSuccess: (r) => {
        // The version keeps its id wherever it went: its cached state is stale everywhere.
        void qc.invalidateQueries(trpc.dataset.intake.pathFilter());
        // Replace and append remove the dataset this page shows: go to where the upload went, not to a refetch of it.
        if (r.datasetId !== state.datasetId) router.replace(`/datasets/${r.datasetId}`);
        else void qc.invalidateQueries();
      },
    }),
  );
  return (
    <Card data-testid="duplicate-offer">
      <CardHeader
        title="This file is already here"
        description={
          <>
            The same bytes (SHA-256) are version {dup.version} of{" "}
            <Link className="font-mono text-indigo-700 underline" href={`/datasets/${dup.datasetId}`}>
              {dup.datasetName}
            </Link>
            . Nothing has been ingested yet: choose what this upload becomes.
          </>
        }
      />
      <CardBody className="space-y-3">
        <ul className="grid gap-3 sm:grid-cols-3" role="list">
          {CHOICES.map((c, i) => (
            <li key={c.choice} className="flex flex-col justify-between gap-2 rounded-md border border-slate-200 p-3">
              <p className="text-sm text-slate-600">{c.says(dup.datasetName)}</p>
              <Button
                variant={i === 0 ? undefined : "secondary"}
                autoFocus={i === 0}
                disabled={decide.isPending}
                onClick={() => decide.mutate({ versionId: state.versionId, choice: c.choice })}
              >
                {c.label}
              </Button>
            </li>
          ))}
        </ul>
        {decide.error ? <ErrorNotice title="Could not apply the choice" message={decide.error.message} /> : null}
      </CardBody>
    </Card>
  );
}
