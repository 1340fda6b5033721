import { requestReconciliation } from "@scrollintel/core/reconcile/reconcile-report";
import { platformProcedure } from "../../init";

/** Queues a reconciliation of every tenant now; the console then shows its report. */
export const runReconciliation = platformProcedure.mutation(({ ctx }) =>
  requestReconciliation(ctx.db, ctx.caller.userId),
);
