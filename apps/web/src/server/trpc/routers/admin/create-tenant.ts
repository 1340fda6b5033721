import { z } from "zod";
import { createTenant as create } from "@scrollintel/core/services/tenant-admin-service";
import { platformProcedure } from "../../init";
import { adminActor } from "./admin-actor";

const GB = 1024n ** 3n;

/** New tenant with quotas and a one-time owner invitation token. */
export const createTenant = platformProcedure
  .input(
    z.object({
      slug: z.string().min(3).max(40),
      name: z.string().trim().min(1).max(100),
      ownerEmail: z.email().optional(),
      storageGb: z.number().int().min(1).max(1_000_000).default(100),
      maxFileGb: z.number().int().min(1).max(1_000_000).default(1024),
    }),
  )
  .mutation(({ ctx, input }) =>
    create(ctx.db, adminActor(ctx), {
      slug: input.slug,
      name: input.name,
      ownerEmail: input.ownerEmail,
      quota: { storageBytes: BigInt(input.storageGb) * GB, maxFileBytes: BigInt(input.maxFileGb) * GB },
    }),
  );
