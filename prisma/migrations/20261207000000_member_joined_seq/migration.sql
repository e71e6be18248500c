-- AlterTable
-- The room's last seq when the member joined: the messages up to it were sent before them, so receipts
-- ("Read by 1 of 2") do not count them for those. 0 for those there from the start.
ALTER TABLE "RoomMember" ADD COLUMN     "joinedSeq" INTEGER NOT NULL DEFAULT 0;

-- Members who came into a group after it began: the newest message older than their joining. A join and its
-- "… joined" note share one transaction, and so one now(): the note is not before it.
UPDATE "RoomMember" rm
SET "joinedSeq" = COALESCE((
  SELECT m."seq" FROM "Message" m
  WHERE m."roomId" = rm."roomId" AND m."createdAt" < rm."joinedAt"
  ORDER BY m."seq" DESC LIMIT 1
), 0)
FROM "Room" r
WHERE r."id" = rm."roomId" AND r."kind" = 'group' AND rm."joinedAt" > r."createdAt";
