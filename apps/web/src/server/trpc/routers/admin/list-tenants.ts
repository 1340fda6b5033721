import { findTenantsWithUsage } from "@scrollintel/core/services/tenant-admin-service";
import { platformProcedure } from "../../init";

export const listTenants = platformProcedure.query(({ ctx }) => findTenantsWithUsage(ctx.db));
