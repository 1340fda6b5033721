-- AlterEnum
ALTER TYPE "DatasetStatus" ADD VALUE 'AWAITING_CONFIRMATION';

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "recordsRead" BIGINT;
