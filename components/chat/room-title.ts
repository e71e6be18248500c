import type { MessageRequest, PublicUser, RoomSummary } from '@/lib/schemas';

/** A direct room is named after the other person; a group by its name. */
export function roomTitle(room: RoomSummary, me: PublicUser): string {
  if (room.kind === 'group') return room.name ?? 'Group';
  const other = room.members.find((member) => member.handle !== me.handle);
  return other?.displayName ?? 'Conversation';
}

/** What the open conversation is called: its room, a request's sender, or the person a first message goes to. */
export function conversationTitle(room: RoomSummary | undefined, request: MessageRequest | undefined, draftPeer: PublicUser | null, me: PublicUser): string | null {
  if (room) return roomTitle(room, me);
  if (request) return request.from?.displayName ?? 'Message request';
  return draftPeer?.displayName ?? null;
}

/** What a closed group (its owner alone) is waiting for: someone invited to accept, or someone to be added. */
export function closedGroupNote(room: RoomSummary): string {
  const invited = room.invited ?? [];
  if (invited.length === 0) return 'Closed: add someone to reopen it';
  const names = invited.length <= 2 ? invited.map((handle) => `@${handle}`).join(' or ') : `${invited.length} people`;
  return `Waiting for ${names} to accept the invite`;
}
