-- AlterTable
ALTER TABLE "StreamConnector" ADD COLUMN     "lastMessageAt" TIMESTAMP(3),
ADD COLUMN     "pending" BIGINT,
ADD COLUMN     "recordsConsumed" BIGINT NOT NULL DEFAULT 0;
