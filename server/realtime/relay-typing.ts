import type { Socket } from 'socket.io';
import { userRoom } from '@/lib/realtime/contract';
import type { Actor } from '../auth/authenticate';
import { errorReason } from '../db/errors';
import { log } from '../ops/logger';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { activityAudience } from '../safety/visibility';

// The rooms each socket last said it was typing in: a tab closed mid-sentence never sends `typing: false`.
const typingIn = new WeakMap<Socket, Set<string>>();

/**
 * Passes "is typing" to the room's other members, none across a block; never stored. The recipient
 * of an unanswered message request shows the stranger no activity (docs/security.md). When the socket
 * goes while typing, its rooms are told it stopped, rather than showing it for the rest of the 6 s.
 */
export async function relayTyping(actor: Actor, input: { roomId: string; typing: boolean }, socket: Socket) {
  await announce(actor, input.roomId, input.typing);
  // Gone while the room was being checked: no disconnect is coming to say it stopped.
  if (input.typing && socket.disconnected) await announce(actor, input.roomId, false);
  else if (input.typing) typingRooms(actor, socket).add(input.roomId);
  else typingIn.get(socket)?.delete(input.roomId);
  return {};
}

function typingRooms(actor: Actor, socket: Socket) {
  const known = typingIn.get(socket);
  if (known) return known;
  const rooms = new Set<string>();
  typingIn.set(socket, rooms);
  socket.once('disconnect', () => {
    for (const roomId of rooms) {
      // Still typing there in another tab on this node: that tab keeps it shown. (On another node, its
      // next renewal, within 3 s, shows it again.)
      if (typingElsewhere(socket, actor, roomId)) continue;
      void announce(actor, roomId, false).catch((error) => log().warn({ socketId: socket.id, roomId, err: errorReason(error) }, 'typing stop failed'));
    }
  });
  return rooms;
}

function typingElsewhere(socket: Socket, actor: Actor, roomId: string) {
  const mine = socket.nsp.adapter.rooms.get(userRoom(actor.userId)) ?? new Set<string>();
  return [...mine].some((id) => {
    const other = id === socket.id ? undefined : socket.nsp.sockets.get(id);
    return other !== undefined && typingIn.get(other)?.has(roomId) === true;
  });
}

async function announce(actor: Actor, roomId: string, typing: boolean) {
  const member = await requireMember(actor, roomId);
  const others = await activityAudience(getDb(), member);
  getBroadcaster().toUsers(others, 'typing', { roomId, handle: actor.handle, typing });
}
