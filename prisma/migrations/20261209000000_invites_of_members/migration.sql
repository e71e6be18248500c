-- Adding someone who had an open invite to a group left the invite open beside the membership, and it let
-- them back in after the owner removed them. Adding now refuses (409) and a removal clears such an invite;
-- this clears the ones left from before.
DELETE FROM "GroupInvite" gi USING "RoomMember" rm WHERE rm."roomId" = gi."roomId" AND rm."userId" = gi."userId";
