-- CreateTable
CREATE TABLE "TenantDataKey" (
    "tenantId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "wrappedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TenantDataKey_pkey" PRIMARY KEY ("tenantId","version")
);

-- CreateIndex
CREATE INDEX "TenantDataKey_wrappedBy_idx" ON "TenantDataKey"("wrappedBy");

-- AddForeignKey
ALTER TABLE "TenantDataKey" ADD CONSTRAINT "TenantDataKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "TenantDataKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantDataKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TenantDataKey"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
