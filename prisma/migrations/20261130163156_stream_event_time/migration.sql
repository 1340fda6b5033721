-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "eventTimeColumn" TEXT;
