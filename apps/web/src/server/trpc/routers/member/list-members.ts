import { findMembers } from "@scrollintel/core/services/member-service";
import { tenantProcedure } from "../../init";

export const listMembers = tenantProcedure("dataset.read").query(({ ctx }) => findMembers(ctx.db, ctx.tenant));
