-- AlterTable
ALTER TABLE "HeldMessage" ADD COLUMN     "attachmentIds" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "replyToId" TEXT;
