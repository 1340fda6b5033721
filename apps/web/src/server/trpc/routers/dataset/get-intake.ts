import { z } from "zod";
import { getIntakeState } from "@scrollintel/core/services/intake-decision-service";
import { tenantProcedure } from "../../init";

/** A version's pre-ingest state: preview (first rows, detected schema, options) and any duplicate offer. */
export const getIntake = tenantProcedure("dataset.read")
  .input(z.object({ versionId: z.string().min(1).max(64) }))
  .query(({ ctx, input }) => getIntakeState(ctx.db, ctx.tenant, input.versionId));
