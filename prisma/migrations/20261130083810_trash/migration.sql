-- CreateEnum
CREATE TYPE "TrashStatus" AS ENUM ('TRASHED', 'RESTORED', 'PURGING', 'PURGED');

-- DropIndex
DROP INDEX "Dataset_tenantId_name_key";

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "trashSlot" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "trashedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "trashedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "TrashItem" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "version" INTEGER,
    "datasetName" TEXT NOT NULL,
    "status" "TrashStatus" NOT NULL DEFAULT 'TRASHED',
    "reason" TEXT NOT NULL DEFAULT 'user',
    "deletedBy" TEXT NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "storedBytes" BIGINT NOT NULL DEFAULT 0,
    "objects" JSONB NOT NULL DEFAULT '[]',
    "freedBytes" BIGINT NOT NULL DEFAULT 0,
    "restoredAt" TIMESTAMP(3),
    "purgeStartedAt" TIMESTAMP(3),
    "purgedAt" TIMESTAMP(3),

    CONSTRAINT "TrashItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TrashItem_tenantId_status_deletedAt_idx" ON "TrashItem"("tenantId", "status", "deletedAt");

-- CreateIndex
CREATE INDEX "TrashItem_datasetId_idx" ON "TrashItem"("datasetId");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_tenantId_name_trashSlot_key" ON "Dataset"("tenantId", "name", "trashSlot");

-- AddForeignKey
ALTER TABLE "TrashItem" ADD CONSTRAINT "TrashItem_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation as on every tenant table (see 20261125025913_usage_and_rls).
ALTER TABLE "TrashItem" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TrashItem" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "TrashItem"
  USING ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on')
  WITH CHECK ("tenantId" = current_setting('app.tenant_id', true) OR current_setting('app.system', true) = 'on');
