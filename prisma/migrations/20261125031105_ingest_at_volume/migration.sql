-- AlterEnum
ALTER TYPE "DatasetStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "append" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "baseVersion" INTEGER,
ADD COLUMN     "detected" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "heartbeatAt" TIMESTAMP(3),
ADD COLUMN     "ingestedRows" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "options" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "profile" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "progress" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "rejectedRows" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "IngestReject" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "line" BIGINT,
    "column" TEXT,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "raw" TEXT,

    CONSTRAINT "IngestReject_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IngestReject_tenantId_versionId_line_idx" ON "IngestReject"("tenantId", "versionId", "line");

-- Row-level security, as for every tenant-owned table (see the usage_and_rls migration).
ALTER TABLE "IngestReject" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "IngestReject" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "IngestReject"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
