-- AlterTable
ALTER TABLE "TenantQuota" ADD COLUMN     "queryMemoryLimitMb" INTEGER NOT NULL DEFAULT 1024,
ADD COLUMN     "queryTimeoutMs" INTEGER NOT NULL DEFAULT 30000;

-- AlterTable
ALTER TABLE "QueryRun" ADD COLUMN     "cacheKey" TEXT,
ADD COLUMN     "cachedFromId" TEXT,
ADD COLUMN     "resultBytes" BIGINT,
ADD COLUMN     "resultKey" TEXT,
ADD COLUMN     "savedQueryId" TEXT,
ADD COLUMN     "scanBytes" BIGINT;

-- CreateTable
CREATE TABLE "SavedQuery" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "sql" TEXT NOT NULL,
    "chart" JSONB,
    "shared" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedQuery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueryResultPage" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "queryRunId" TEXT NOT NULL,
    "sortKey" TEXT NOT NULL,
    "page" INTEGER NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "rows" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "QueryResultPage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QueryExport" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "queryRunId" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "objectKey" TEXT,
    "bytes" BIGINT,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "QueryExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SavedQuery_tenantId_ownerId_updatedAt_idx" ON "SavedQuery"("tenantId", "ownerId", "updatedAt");

-- CreateIndex
CREATE INDEX "SavedQuery_tenantId_shared_updatedAt_idx" ON "SavedQuery"("tenantId", "shared", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "QueryResultPage_tenantId_queryRunId_sortKey_page_key" ON "QueryResultPage"("tenantId", "queryRunId", "sortKey", "page");

-- CreateIndex
CREATE UNIQUE INDEX "QueryExport_tenantId_queryRunId_format_key" ON "QueryExport"("tenantId", "queryRunId", "format");

-- CreateIndex
CREATE INDEX "QueryRun_tenantId_cacheKey_createdAt_idx" ON "QueryRun"("tenantId", "cacheKey", "createdAt");

ALTER TABLE "SavedQuery" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SavedQuery" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "SavedQuery"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');

ALTER TABLE "QueryResultPage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "QueryResultPage" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "QueryResultPage"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');

ALTER TABLE "QueryExport" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "QueryExport" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "QueryExport"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
