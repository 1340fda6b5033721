-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "ref" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageMonthly" (
    "tenantId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "ingestBytes" BIGINT NOT NULL DEFAULT 0,
    "ingestRows" BIGINT NOT NULL DEFAULT 0,
    "scanBytes" BIGINT NOT NULL DEFAULT 0,
    "queryMs" BIGINT NOT NULL DEFAULT 0,
    "queries" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageMonthly_pkey" PRIMARY KEY ("tenantId","month")
);

-- CreateIndex
CREATE INDEX "UsageEvent_tenantId_kind_createdAt_idx" ON "UsageEvent"("tenantId", "kind", "createdAt");

-- Row-level security: the second wall behind the tenant checks in the application.
-- Application transactions run as scrollintel_app (see packages/core/src/db/scoped.ts) with
-- app.tenant_id set, and platform work sets app.system. A transaction with neither sees no rows.
-- FORCE applies the policies to the table owner too.
ALTER TABLE "Membership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Membership" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Membership"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "TenantQuota" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantQuota" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TenantQuota"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "ApiKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ApiKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ApiKey"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "Upload" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Upload" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Upload"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "Dataset" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Dataset" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Dataset"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "DatasetVersion" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "DatasetVersion" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "DatasetVersion"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "Job" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Job" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Job"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "QueryRun" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "QueryRun" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "QueryRun"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "AuditEvent"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "UsageEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "UsageEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "UsageEvent"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "UsageMonthly" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "UsageMonthly" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "UsageMonthly"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Tenant"
  USING ("id" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("id" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');

