import { findDatasets } from "@scrollintel/core/services/dataset-service";
import { tenantProcedure } from "../../init";

export const listDatasets = tenantProcedure("dataset.read").query(({ ctx }) => findDatasets(ctx.db, ctx.tenant));
