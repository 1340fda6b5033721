-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "ingestOptions" JSONB;
