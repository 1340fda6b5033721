-- AlterTable
ALTER TABLE "QueryRun" ADD COLUMN     "engineMs" INTEGER;
