import { router } from "./init";
import { listAuditEvents } from "./routers/audit/list-audit-events";
import { cancelIngest } from "./routers/dataset/cancel-ingest";
import { getDataset } from "./routers/dataset/get-dataset";
import { listDatasets } from "./routers/dataset/list-datasets";
import { listRejects } from "./routers/dataset/list-rejects";
import { reingestDataset } from "./routers/dataset/reingest-dataset";
import { getQuery } from "./routers/query/get-query";
import { listQueries } from "./routers/query/list-queries";
import { runQuery } from "./routers/query/run-query";
import { getTenantQuota } from "./routers/quota/get-quota";
import { getMe } from "./routers/tenant/get-me";
import { switchTenant } from "./routers/tenant/switch-tenant";

export const appRouter = router({
  tenant: router({ me: getMe, switch: switchTenant }),
  dataset: router({
    list: listDatasets,
    get: getDataset,
    reingest: reingestDataset,
    cancel: cancelIngest,
    rejects: listRejects,
  }),
  query: router({ run: runQuery, get: getQuery, list: listQueries }),
  audit: router({ list: listAuditEvents }),
  quota: router({ get: getTenantQuota }),
});

export type AppRouter = typeof appRouter;
