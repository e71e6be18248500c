-- Rich messaging: edits, sender deletes, replies, reactions, mentions, per-room versions and search.

-- Every change in a room (new message, edit, delete, reaction) takes the room's next version; a
-- message carries the version of its last change, so a sync reads only what changed (the index).
ALTER TABLE "Room" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Message" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Message" ADD COLUMN "editedAt" TIMESTAMP(3);
ALTER TABLE "Message" ADD COLUMN "deletedBy" TEXT;
ALTER TABLE "Message" ADD COLUMN "replyToId" TEXT;
ALTER TABLE "Message" ADD COLUMN "mentions" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- Existing rows: versions follow seqs, and every earlier removal was a moderator's.
UPDATE "Message" SET "version" = "seq";
UPDATE "Room" SET "version" = "lastSeq";
UPDATE "Message" SET "deletedBy" = 'moderator' WHERE "deletedAt" IS NOT NULL;

CREATE INDEX "Message_roomId_version_idx" ON "Message"("roomId", "version");
CREATE INDEX "Message_replyToId_idx" ON "Message"("replyToId");
CREATE INDEX "Message_mentions_idx" ON "Message" USING GIN ("mentions");
-- Full-text search; queries must use this very expression for the index to apply.
CREATE INDEX "Message_body_search_idx" ON "Message" USING GIN (to_tsvector('english', "body"));

-- The earlier bodies of an edited (or sender-deleted) message, for moderators.
CREATE TABLE "MessageEdit" (
    "id" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "replacedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MessageEdit_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MessageEdit_messageId_idx" ON "MessageEdit"("messageId");
ALTER TABLE "MessageEdit" ADD CONSTRAINT "MessageEdit_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "Reaction" (
    "messageId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "emoji" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Reaction_pkey" PRIMARY KEY ("messageId", "userId", "emoji")
);
CREATE INDEX "Reaction_userId_idx" ON "Reaction"("userId");
ALTER TABLE "Reaction" ADD CONSTRAINT "Reaction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Reaction" ADD CONSTRAINT "Reaction_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
