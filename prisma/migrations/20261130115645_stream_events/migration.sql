-- AlterTable
ALTER TABLE "TenantQuota" ADD COLUMN     "streamBytesPerSecond" BIGINT NOT NULL DEFAULT 268435456,
ADD COLUMN     "streamRecordsPerSecond" INTEGER NOT NULL DEFAULT 2000000;

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "lastEventAt" TIMESTAMP(3),
ADD COLUMN     "streaming" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "StreamSegment" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "records" INTEGER NOT NULL,
    "idempotencyKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "partKey" TEXT,
    "rejects" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "compactedAt" TIMESTAMP(3),
    "objectDeletedAt" TIMESTAMP(3),

    CONSTRAINT "StreamSegment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StreamReject" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "segmentId" TEXT NOT NULL,
    "record" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StreamReject_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StreamSegment_tenantId_datasetId_status_seq_idx" ON "StreamSegment"("tenantId", "datasetId", "status", "seq");

-- CreateIndex
CREATE INDEX "StreamSegment_status_compactedAt_idx" ON "StreamSegment"("status", "compactedAt");

-- CreateIndex
CREATE UNIQUE INDEX "StreamSegment_datasetId_idempotencyKey_key" ON "StreamSegment"("datasetId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "StreamReject_tenantId_datasetId_id_idx" ON "StreamReject"("tenantId", "datasetId", "id");

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "StreamSegment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "StreamSegment" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "StreamSegment"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
ALTER TABLE "StreamReject" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "StreamReject" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "StreamReject"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
