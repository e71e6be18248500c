-- Postgres's text parser takes anything between < and > as an XML tag and indexes none of its words, so
-- "Vec<String>" was not found by "string" and "a<b and c>d" lost every word but "d". Search reads the
-- body with the angle brackets as spaces (server/messages/search-messages.ts, the same expression).
DROP INDEX "Message_body_search_idx";
CREATE INDEX "Message_body_search_idx" ON "Message" USING GIN (to_tsvector('english', translate("body", '<>', '  ')));
