import type { DbClient } from '../db/client-types';
import { handlesById } from '../users/handles-by-id';

/** Whom a message was for, as a moderator reads it: a person (direct) or a group. */
export type Addressee = { kind: 'direct'; handle: string | null } | { kind: 'group'; name: string };

/** A message or held message: its room, or (a first message, before its room exists) its recipient. */
type Sent = { senderId: string; roomId: string | null; recipientId?: string | null };

/**
 * Each item's addressee: the recipient of a first message, the other person of a direct room, or the
 * group. Also returns the handles of senders and recipients, so callers name everyone from one lookup.
 */
export async function addresseesOf(db: DbClient, items: Sent[], alsoNamed: string[] = []) {
  const roomIds = [...new Set(items.flatMap((item) => item.roomId ?? []))];
  const rooms = new Map((await db.room.findMany({ where: { id: { in: roomIds } }, select: { id: true, kind: true, name: true, directKey: true } })).map((room) => [room.id, room]));
  const recipients = items.map((item) => {
    if (!item.roomId) return item.recipientId ?? null;
    const room = rooms.get(item.roomId);
    return room?.kind === 'direct' ? (room.directKey?.split(':').find((id) => id !== item.senderId) ?? item.senderId) : null;
  });
  const handleOf = await handlesById(db, [...items.map((item) => item.senderId), ...recipients.flatMap((id) => id ?? []), ...alsoNamed]);
  const to = items.map((item, index): Addressee => {
    const recipientId = recipients[index];
    return recipientId ? { kind: 'direct', handle: handleOf.get(recipientId) ?? null } : { kind: 'group', name: rooms.get(item.roomId!)?.name ?? '' };
  });
  return { to, handleOf };
}

/** "to @bob" or "in the group "Friends"": how the moderation page and the audit log say it. */
export const addresseePhrase = (to: Addressee) => (to.kind === 'group' ? `in the group "${to.name}"` : `to @${to.handle}`);
