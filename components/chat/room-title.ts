import type { PublicUser, RoomSummary } from '@/lib/schemas';

/** A direct room is named after the other person; a group by its name. */
export function roomTitle(room: RoomSummary, me: PublicUser): string {
  if (room.kind === 'group') return room.name ?? 'Group';
  const other = room.members.find((member) => member.handle !== me.handle);
  return other?.displayName ?? 'Conversation';
}
