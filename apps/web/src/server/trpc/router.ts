import { router } from "./init";
import { listAuditEvents } from "./routers/audit/list-audit-events";
import { getDataset } from "./routers/dataset/get-dataset";
import { listDatasets } from "./routers/dataset/list-datasets";
import { cancelQuery } from "./routers/query/cancel-query";
import { exportResult } from "./routers/query/export-result";
import { getQuery } from "./routers/query/get-query";
import { getResultPageProcedure } from "./routers/query/get-result-page";
import { getQuerySchema } from "./routers/query/get-schema";
import { listQueries } from "./routers/query/list-queries";
import { runQuery } from "./routers/query/run-query";
import { getTenantQuota } from "./routers/quota/get-quota";
import { createSavedQueryProcedure } from "./routers/savedQuery/create-saved-query";
import { deleteSavedQueryProcedure } from "./routers/savedQuery/delete-saved-query";
import { getSavedQuery } from "./routers/savedQuery/get-saved-query";
import { listSavedQueries } from "./routers/savedQuery/list-saved-queries";
import { updateSavedQueryProcedure } from "./routers/savedQuery/update-saved-query";
import { getMe } from "./routers/tenant/get-me";
import { switchTenant } from "./routers/tenant/switch-tenant";

export const appRouter = router({
  tenant: router({ me: getMe, switch: switchTenant }),
  dataset: router({ list: listDatasets, get: getDataset }),
  query: router({
    run: runQuery,
    get: getQuery,
    list: listQueries,
    cancel: cancelQuery,
    page: getResultPageProcedure,
    export: exportResult,
    schema: getQuerySchema,
  }),
  savedQuery: router({
    list: listSavedQueries,
    get: getSavedQuery,
    create: createSavedQueryProcedure,
    update: updateSavedQueryProcedure,
    delete: deleteSavedQueryProcedure,
  }),
  audit: router({ list: listAuditEvents }),
  quota: router({ get: getTenantQuota }),
});

export type AppRouter = typeof appRouter;
