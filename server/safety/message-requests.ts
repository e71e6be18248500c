import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { messageInclude, toChatMessages } from '../messages/chat-message';
import { roomMemberIds } from '../rooms/room-members';
import { getBroadcaster, getDb } from '../runtime';
import { publicUserSelect, toPublicUser } from '../users/public-user';

// A request from an account deleted since is nobody's to answer: neither listed nor answerable.
export const fromLiveAccount = { room: { members: { every: { user: { deletedAt: null } } } } };

/**
 * First direct messages from people the caller has never talked with, waiting for a decision; or, with
 * `ignored`, the ones the caller ignored (to look back at, and still accept).
 */
export async function listRequests(actor: Actor, status: 'pending' | 'ignored' = 'pending') {
  const memberships = await getDb().roomMember.findMany({
    where: { userId: actor.userId, request: status, ...fromLiveAccount },
    include: {
      room: {
        include: {
          members: { include: { user: { select: { id: true, ...publicUserSelect } } } },
          // A deleted newest message is the preview too, as "Message deleted" (as in the room list).
          messages: { orderBy: { seq: 'desc' }, take: 1, include: messageInclude },
        },
      },
    },
    orderBy: { room: { lastMessageAt: 'desc' } },
  });
  const previews = await toChatMessages(getDb(), actor.userId, memberships.flatMap(({ room }) => room.messages));
  const previewOf = new Map(previews.map((message) => [message.roomId, message]));
  return memberships.map(({ room }) => {
    const from = room.members.find((member) => member.user.id !== actor.userId)?.user;
    return {
      roomId: room.id,
      from: from ? toPublicUser(from) : null,
      lastMessage: previewOf.get(room.id) ?? null,
      createdAt: room.createdAt.toISOString(),
    };
  });
}

/** Accept: the conversation becomes a normal one. Ignore: it leaves the requests list; the sender is not told. */
export async function answerRequest(actor: Actor, roomId: string, answer: 'accept' | 'ignore') {
  const updated = await getDb().roomMember.updateMany({
    where: { roomId, userId: actor.userId, request: { in: answer === 'accept' ? ['pending', 'ignored'] : ['pending'] }, ...fromLiveAccount },
    data: { request: answer === 'accept' ? null : 'ignored' },
  });
  if (updated.count === 0) throw new AppError('not_found', 'No such message request.');
  if (answer === 'accept') await announceAccepted(roomId);
  else getBroadcaster().toUsers([actor.userId], 'room:updated', { roomId });
  return { ok: true };
}

/**
 * A request was accepted (answered, or replied to): the sender's view changes too (presence and receipts
 * are shared now), so both sides refetch.
 */
export async function announceAccepted(roomId: string) {
  getBroadcaster().toUsers(await roomMemberIds(getDb(), roomId), 'room:updated', { roomId });
}
