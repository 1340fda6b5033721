-- CreateEnum
CREATE TYPE "ArchiveStatus" AS ENUM ('WARM', 'ARCHIVING', 'ARCHIVED', 'RESTORING');

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "archiveError" TEXT,
ADD COLUMN     "archiveProgress" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "archiveStatus" "ArchiveStatus" NOT NULL DEFAULT 'WARM',
ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "lastQueriedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ReconciliationReport" (
    "id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "requestedBy" TEXT,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "tenants" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ReconciliationReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReconciliationReport_createdAt_idx" ON "ReconciliationReport"("createdAt");
