-- Accounts their owners deleted (server/users/delete-account.ts).
ALTER TABLE "User" ADD COLUMN "deletedAt" TIMESTAMP(3);
