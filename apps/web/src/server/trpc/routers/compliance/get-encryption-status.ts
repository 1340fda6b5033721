import { getEncryptionStatus as getStatus } from "@scrollintel/core/services/key-rotation-service";
import { webConfig } from "@/env";
import { tenantProcedure } from "../../init";

/** The workspace's data key versions and its latest key rotation with the re-encrypt progress. */
export const getEncryptionStatus = tenantProcedure("compliance.read").query(({ ctx }) =>
  getStatus(ctx.db, ctx.tenant.tenantId, { enabled: webConfig().storageEncryption }),
);
