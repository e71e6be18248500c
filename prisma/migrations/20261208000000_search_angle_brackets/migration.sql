-- Postgres's text parser takes anything between < and > as an XML tag and indexes none of its words, so
-- "Vec<String>" was not found by "string" and "a<b and c>d" lost every word but "d". Search reads the
-- body with the angle brackets as spaces (server/messages/search-messages.ts, the same expression).
-- Built before the old index goes: while it builds, sends wait but reads go on (dropping first would
-- block reads for the whole build). IF NOT EXISTS: an operator may build it beforehand with
-- CREATE INDEX CONCURRENTLY under this name (docs/operations.md).
CREATE INDEX IF NOT EXISTS "Message_body_text_search_idx" ON "Message" USING GIN (to_tsvector('english', translate("body", '<>', '  ')));
DROP INDEX "Message_body_search_idx";
