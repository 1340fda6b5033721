import { router } from "./init";
import { createGroup } from "./routers/access/create-group";
import { deleteGroup } from "./routers/access/delete-group";
import { getDatasetPolicy } from "./routers/access/get-dataset-policy";
import { listGroups } from "./routers/access/list-groups";
import { setDatasetPolicy } from "./routers/access/set-dataset-policy";
import { setGroupMembers } from "./routers/access/set-group-members";
import { setMemberAttributes } from "./routers/access/set-member-attributes";
import { listAllAuditEvents } from "./routers/admin/list-all-audit-events";
import { createTenant } from "./routers/admin/create-tenant";
import { getReconciliationReport } from "./routers/admin/get-reconciliation-report";
import { getSystemStatusProcedure } from "./routers/admin/get-system-status";
import { runReconciliation } from "./routers/admin/run-reconciliation";
import { listTenants } from "./routers/admin/list-tenants";
import { setTenantStatus } from "./routers/admin/set-tenant-status";
import { deleteTenant } from "./routers/admin/delete-tenant";
import { updateTenantQuota } from "./routers/admin/update-tenant-quota";
import { verifyTenantChain } from "./routers/admin/verify-tenant-chain";
import { tenantComplianceReport } from "./routers/admin/get-tenant-compliance-report";
import { getComplianceReport } from "./routers/compliance/get-compliance-report";
import { getEncryptionStatus } from "./routers/compliance/get-encryption-status";
import { rotateDataKey } from "./routers/compliance/rotate-data-key";
import { createApiKey } from "./routers/apiKey/create-api-key";
import { listApiKeys } from "./routers/apiKey/list-api-keys";
import { revokeApiKey } from "./routers/apiKey/revoke-api-key";
import { listAuditEvents } from "./routers/audit/list-audit-events";
import { verifyAuditChain } from "./routers/audit/verify-audit-chain";
import { getDataset } from "./routers/dataset/get-dataset";
import { listDatasets } from "./routers/dataset/list-datasets";
import { searchDatasets } from "./routers/dataset/search-datasets";
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
import { confirmVersion } from "./routers/dataset/confirm-version";
import { discardVersion } from "./routers/dataset/discard-version";
import { listRejects } from "./routers/dataset/list-rejects";
import { reingestDataset } from "./routers/dataset/reingest-dataset";
import { restoreArchive } from "./routers/dataset/restore-archive";
import { getIntake } from "./routers/dataset/get-intake";
import { resolveDuplicate } from "./routers/dataset/resolve-duplicate";
import { startIngest } from "./routers/dataset/start-ingest";
import { updatePreview } from "./routers/dataset/update-preview";
import { deleteDataset } from "./routers/dataset/delete-dataset";
import { deleteVersion } from "./routers/dataset/delete-version";
import { renameDataset } from "./routers/dataset/rename-dataset";
import { rollbackDataset } from "./routers/dataset/rollback-dataset";
import { listTrash } from "./routers/trash/list-trash";
import { restoreDataset } from "./routers/dataset/restore-dataset";
import { cancelQuery } from "./routers/query/cancel-query";
import { exportResult } from "./routers/query/export-result";
import { getQuery } from "./routers/query/get-query";
import { getResultChartProcedure } from "./routers/query/get-result-chart";
import { getResultPageProcedure } from "./routers/query/get-result-page";
import { getQuerySchema } from "./routers/query/get-schema";
import { listQueries } from "./routers/query/list-queries";
import { runQuery } from "./routers/query/run-query";
import { getTenantQuota } from "./routers/quota/get-quota";
import { getRetention } from "./routers/retention/get-retention";
import { updateRetention } from "./routers/retention/update-retention";
import { createSavedQueryProcedure } from "./routers/savedQuery/create-saved-query";
import { deleteSavedQueryProcedure } from "./routers/savedQuery/delete-saved-query";
import { getSavedQuery } from "./routers/savedQuery/get-saved-query";
import { listSavedQueries } from "./routers/savedQuery/list-saved-queries";
import { updateSavedQueryProcedure } from "./routers/savedQuery/update-saved-query";
import { changePasswordProcedure } from "./routers/account/change-password";
import { getMe } from "./routers/tenant/get-me";
import { switchTenant } from "./routers/tenant/switch-tenant";
import { getUsageSummary } from "./routers/usage/get-usage-summary";
import { listUsageDaily } from "./routers/usage/list-usage-daily";
import { getStreamStatsProcedure } from "./routers/dataset/get-stream-stats";
import { setStreamEventTime } from "./routers/dataset/set-stream-event-time";
import { createConnector } from "./routers/connector/create-connector";
import { deleteConnector } from "./routers/connector/delete-connector";
import { getConnector } from "./routers/connector/get-connector";
import { listConnectors } from "./routers/connector/list-connectors";
import { pauseConnector, resumeConnector } from "./routers/connector/pause-connector";
import { updateConnector } from "./routers/connector/update-connector";

export const appRouter = router({
  access: router({
    groups: listGroups,
    createGroup,
    deleteGroup,
    setGroupMembers,
    setMemberAttributes,
    policy: getDatasetPolicy,
    setPolicy: setDatasetPolicy,
  }),
  tenant: router({ me: getMe, switch: switchTenant }),
  account: router({ changePassword: changePasswordProcedure }),
  connector: router({
    create: createConnector,
    list: listConnectors,
    get: getConnector,
    update: updateConnector,
    pause: pauseConnector,
    resume: resumeConnector,
    delete: deleteConnector,
  }),
  dataset: router({
    list: listDatasets,
    search: searchDatasets,
    get: getDataset,
    reingest: reingestDataset,
    cancel: cancelIngest,
    rejects: listRejects,
    streamStats: getStreamStatsProcedure,
    setStreamEventTime,
    restoreArchive,
    confirm: confirmVersion,
    discard: discardVersion,
    intake: getIntake,
    updatePreview,
    startIngest,
    resolveDuplicate,
    delete: deleteDataset,
    deleteVersion,
    restore: restoreDataset,
    rename: renameDataset,
    rollback: rollbackDataset,
  }),
  trash: router({ list: listTrash }),
  query: router({
    run: runQuery,
    get: getQuery,
    list: listQueries,
    cancel: cancelQuery,
    page: getResultPageProcedure,
    chart: getResultChartProcedure,
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
  retention: router({ get: getRetention, update: updateRetention }),
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
    runReconciliation,
    reconciliationReport: getReconciliationReport,
    complianceReport: tenantComplianceReport,
    system: getSystemStatusProcedure,
    // Last: the platform walk in roles.int.test.ts deletes its tenant with it.
    deleteTenant,
  }),
  compliance: router({ report: getComplianceReport, encryption: getEncryptionStatus, rotateKey: rotateDataKey }),
});

export type AppRouter = typeof appRouter;
