-- CreateIndex
CREATE INDEX "HeldMessage_senderId_clientMsgId_idx" ON "HeldMessage"("senderId", "clientMsgId");
