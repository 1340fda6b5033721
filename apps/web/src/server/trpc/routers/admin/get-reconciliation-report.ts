import { getLastReconciliationReport } from "@scrollintel/core/reconcile/reconcile-report";
import { platformProcedure } from "../../init";

export const getReconciliationReport = platformProcedure.query(({ ctx }) => getLastReconciliationReport(ctx.db));
