import { requestKeyRotation } from "@scrollintel/core/services/key-rotation-service";
import { webConfig } from "@/env";
import { tenantProcedure } from "../../init";

/** Starts a data key rotation for the caller's workspace (owners); the worker re-seals and retires. */
export const rotateDataKey = tenantProcedure("tenant.manage").mutation(({ ctx }) =>
  requestKeyRotation(ctx.db, ctx.tenant, { enabled: webConfig().storageEncryption }),
);
