-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "DatasetStatus" ADD VALUE 'INSPECTING';
ALTER TYPE "DatasetStatus" ADD VALUE 'AWAITING_REVIEW';
ALTER TYPE "DatasetStatus" ADD VALUE 'AWAITING_DUPLICATE';

-- AlterEnum
ALTER TYPE "JobStatus" ADD VALUE 'WAITING';

-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "intake" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "intake" JSONB NOT NULL DEFAULT '{}';

-- CreateIndex
CREATE INDEX "DatasetVersion_tenantId_sha256_idx" ON "DatasetVersion"("tenantId", "sha256");
