-- AlterTable
ALTER TABLE "StreamSegment" ADD COLUMN     "visibleAtRows" BIGINT;
