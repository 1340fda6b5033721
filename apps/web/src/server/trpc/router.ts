import { router } from "./init";
import { listAllAuditEvents } from "./routers/admin/list-all-audit-events";
import { createTenant } from "./routers/admin/create-tenant";
import { listTenants } from "./routers/admin/list-tenants";
import { setTenantStatus } from "./routers/admin/set-tenant-status";
import { updateTenantQuota } from "./routers/admin/update-tenant-quota";
import { verifyTenantChain } from "./routers/admin/verify-tenant-chain";
import { createApiKey } from "./routers/apiKey/create-api-key";
import { listApiKeys } from "./routers/apiKey/list-api-keys";
import { revokeApiKey } from "./routers/apiKey/revoke-api-key";
import { listAuditEvents } from "./routers/audit/list-audit-events";
import { verifyAuditChain } from "./routers/audit/verify-audit-chain";
import { getDataset } from "./routers/dataset/get-dataset";
import { listDatasets } from "./routers/dataset/list-datasets";
import { acceptAsNewUser } from "./routers/invitation/accept-as-new-user";
import { acceptInvitation } from "./routers/invitation/accept-invitation";
import { getInvitation } from "./routers/invitation/get-invitation";
import { changeRole } from "./routers/member/change-role";
import { inviteMember } from "./routers/member/invite-member";
import { listInvitations } from "./routers/member/list-invitations";
import { listMembers } from "./routers/member/list-members";
import { removeMember } from "./routers/member/remove-member";
import { revokeInvitation } from "./routers/member/revoke-invitation";
import { cancelIngest } from "./routers/dataset/cancel-ingest";
import { listRejects } from "./routers/dataset/list-rejects";
import { reingestDataset } from "./routers/dataset/reingest-dataset";
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
import { getUsageSummary } from "./routers/usage/get-usage-summary";
import { listUsageDaily } from "./routers/usage/list-usage-daily";

export const appRouter = router({
  tenant: router({ me: getMe, switch: switchTenant }),
  dataset: router({
    list: listDatasets,
    get: getDataset,
    reingest: reingestDataset,
    cancel: cancelIngest,
    rejects: listRejects,
  }),
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
  audit: router({ list: listAuditEvents, verify: verifyAuditChain }),
  quota: router({ get: getTenantQuota }),
  usage: router({ summary: getUsageSummary, daily: listUsageDaily }),
  member: router({
    list: listMembers,
    changeRole,
    remove: removeMember,
    invite: inviteMember,
    invitations: listInvitations,
    revokeInvitation,
  }),
  invitation: router({ get: getInvitation, accept: acceptInvitation, acceptAsNewUser }),
  apiKey: router({ list: listApiKeys, create: createApiKey, revoke: revokeApiKey }),
  admin: router({
    tenants: listTenants,
    createTenant,
    setTenantStatus,
    updateQuota: updateTenantQuota,
    audit: listAllAuditEvents,
    verifyChain: verifyTenantChain,
  }),
});

export type AppRouter = typeof appRouter;
