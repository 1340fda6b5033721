import { findAccessGroups } from "@scrollintel/core/services/access-group-service";
import { tenantProcedure } from "../../init";

export const listGroups = tenantProcedure("dataset.read").query(({ ctx }) => findAccessGroups(ctx.db, ctx.tenant));
