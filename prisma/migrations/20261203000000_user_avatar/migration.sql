-- AlterTable
-- The current profile picture: a random id, new at each upload, that names its stored object and versions its URL.
ALTER TABLE "User" ADD COLUMN     "avatarId" TEXT;
