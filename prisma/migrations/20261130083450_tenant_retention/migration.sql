-- CreateTable
CREATE TABLE "TenantRetention" (
    "tenantId" TEXT NOT NULL,
    "trashDays" INTEGER NOT NULL DEFAULT 7,
    "resultDays" INTEGER NOT NULL DEFAULT 7,
    "uploadHours" INTEGER NOT NULL DEFAULT 24,
    "keepVersions" INTEGER,
    "versionDays" INTEGER,
    "archiveAfterDays" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TenantRetention_pkey" PRIMARY KEY ("tenantId")
);

-- AddForeignKey
ALTER TABLE "TenantRetention" ADD CONSTRAINT "TenantRetention_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "TenantRetention" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantRetention" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TenantRetention"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
