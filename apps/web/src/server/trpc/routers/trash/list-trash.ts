import { findTrash } from "@scrollintel/core/services/trash-service";
import { tenantProcedure } from "../../init";

/** Deleted datasets and versions still in storage, each with the date it is removed for good. */
export const listTrash = tenantProcedure("dataset.read").query(({ ctx }) => findTrash(ctx.db, ctx.tenant));
