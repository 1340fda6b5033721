-- AlterTable
ALTER TABLE "TenantQuota" ADD COLUMN     "querySpillBytesLimit" BIGINT NOT NULL DEFAULT 10737418240,
ADD COLUMN     "resultBytesLimit" BIGINT NOT NULL DEFAULT 2147483648,
ADD COLUMN     "resultRowsLimit" BIGINT NOT NULL DEFAULT 50000000,
ADD COLUMN     "workerSlots" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "workerId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("workerId")
);

-- CreateIndex
CREATE INDEX "WorkerHeartbeat_seenAt_idx" ON "WorkerHeartbeat"("seenAt");
