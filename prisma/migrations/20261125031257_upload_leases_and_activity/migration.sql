-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "expectedSha256" TEXT,
ADD COLUMN     "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "UploadLease" (
    "key" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "releaseRequested" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "UploadLease_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Upload_status_lastActivityAt_idx" ON "Upload"("status", "lastActivityAt");
