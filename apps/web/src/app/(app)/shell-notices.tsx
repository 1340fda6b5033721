import Link from "next/link";
import { buttonVariants } from "@scrollintel/ui/button";
import { EmptyState } from "@scrollintel/ui/empty-state";

/** Shown on every page of a suspended workspace, so nobody learns it from a refused action. */
export function SuspendedBanner({ name }: { name: string }) {
  return (
    <div role="status" className="border-b border-rose-200 bg-rose-50" data-testid="suspended-banner">
      <p className="mx-auto max-w-7xl px-4 py-2.5 text-sm text-rose-900">
        <strong className="font-semibold">{name} is suspended.</strong> You can still sign in and read datasets, past
        query results and usage. Uploads, queries and changes are refused until the platform operator reactivates it.
      </p>
    </div>
  );
}

/** A signed-in person with no workspace (an operator, or someone whose last membership was removed). */
export function NoWorkspace({ admin }: { admin: boolean }) {
  return (
    <EmptyState
      title="No workspace"
      action={
        admin ? (
          <Link href="/admin" className={buttonVariants({})}>
            Open the admin console
          </Link>
        ) : undefined
      }
    >
      {admin
        ? "Your account runs the platform and belongs to no workspace, so there are no datasets to show here."
        : "You are not a member of any workspace. Ask a workspace owner for an invitation link."}
    </EmptyState>
  );
}
