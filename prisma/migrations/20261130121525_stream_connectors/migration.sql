-- CreateTable
CREATE TABLE "StreamConnector" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secret" TEXT,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "position" BIGINT NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StreamConnector_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StreamConnector_tenantId_createdAt_idx" ON "StreamConnector"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "StreamConnector_datasetId_idx" ON "StreamConnector"("datasetId");

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "StreamConnector" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "StreamConnector" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "StreamConnector"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
