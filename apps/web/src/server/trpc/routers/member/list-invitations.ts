import { findInvitations } from "@scrollintel/core/services/invitation-service";
import { tenantProcedure } from "../../init";

export const listInvitations = tenantProcedure("member.manage").query(({ ctx }) => findInvitations(ctx.db, ctx.tenant));
