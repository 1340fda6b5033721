-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "storageReservedBytes" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "QueryRun" ADD COLUMN     "storageReservedBytes" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "QueryExport" ADD COLUMN     "storageReservedBytes" BIGINT NOT NULL DEFAULT 0;
