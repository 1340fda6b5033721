import { z } from "zod";
import { findRejects } from "@scrollintel/core/services/dataset-version-service";
import { PG_BIGINT_MAX } from "@scrollintel/core/text-input";
import { tenantProcedure } from "../../init";

/** A page of the rows a version skipped: line, column, reason and the raw line. */
export const listRejects = tenantProcedure("dataset.read")
  .input(
    z.object({
      versionId: z.string().min(1).max(64),
      cursor: z
        .string()
        .regex(/^\d{1,19}$/, "must be a row id (digits)")
        // 19 digits reach past PostgreSQL's bigint: such a cursor is a bad request, not a database error.
        .refine((s) => !/^\d+$/.test(s) || BigInt(s) <= PG_BIGINT_MAX, "must be at most 2^63 - 1")
        .optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
  )
  .query(({ ctx, input }) => findRejects(ctx.db, ctx.tenant, input));
