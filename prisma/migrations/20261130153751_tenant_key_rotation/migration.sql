-- CreateTable
CREATE TABLE "TenantKeyRotation" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "toVersion" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "objectsTotal" INTEGER NOT NULL DEFAULT 0,
    "objectsDone" INTEGER NOT NULL DEFAULT 0,
    "uploadsWaiting" INTEGER NOT NULL DEFAULT 0,
    "retiredVersions" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "requestedBy" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TenantKeyRotation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TenantKeyRotation_tenantId_startedAt_idx" ON "TenantKeyRotation"("tenantId", "startedAt");

-- AddForeignKey
ALTER TABLE "TenantKeyRotation" ADD CONSTRAINT "TenantKeyRotation_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One rotation at a time per tenant: a second request while one runs is refused.
CREATE UNIQUE INDEX "TenantKeyRotation_one_running" ON "TenantKeyRotation"("tenantId") WHERE status = 'RUNNING';

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "TenantKeyRotation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantKeyRotation" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TenantKeyRotation"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
