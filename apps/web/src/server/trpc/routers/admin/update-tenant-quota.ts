import { z } from "zod";
import { updateTenantQuota as update } from "@scrollintel/core/services/tenant-admin-service";
import { PG_BIGINT_MAX } from "@scrollintel/core/text-input";
import { platformProcedure } from "../../init";
import { adminActor } from "./admin-actor";

/** A byte limit: PostgreSQL's bigint bounds it. */
const bytes = z.bigint().min(0n).max(PG_BIGINT_MAX);

export const updateTenantQuota = platformProcedure
  .input(
    z.object({
      tenantId: z.string().min(1).max(64),
      storageBytesLimit: bytes,
      maxFileBytes: bytes,
      ingestBytesMonthLimit: bytes,
      scanBytesMonthLimit: bytes,
      concurrentJobsLimit: z.number().int().min(0).max(10_000),
      apiRequestsPerMinute: z.number().int().min(0).max(1_000_000),
      queryMemoryLimitMb: z.number().int().min(64).max(1_048_576),
      queryTimeoutMs: z
        .number()
        .int()
        .min(100)
        .max(24 * 3600 * 1000),
      querySpillBytesLimit: bytes,
      resultRowsLimit: z.bigint().min(1n).max(PG_BIGINT_MAX),
      resultBytesLimit: bytes,
      workerSlots: z.number().int().min(1).max(1024),
    }),
  )
  .mutation(({ ctx, input }) => {
    const { tenantId, ...limits } = input;
    return update(ctx.db, adminActor(ctx), tenantId, limits);
  });
