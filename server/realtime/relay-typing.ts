import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { unblockedRoomPeers } from '../safety/unblocked-peers';

/**
 * Passes "is typing" to the room's other members, none across a block; never stored. The recipient
 * of an unanswered message request shows the stranger no activity (docs/security.md).
 */
export async function relayTyping(actor: Actor, input: { roomId: string; typing: boolean }) {
  const [member, others] = await Promise.all([requireMember(actor, input.roomId), unblockedRoomPeers(getDb(), input.roomId, actor.userId)]);
  if (member.request === null) getBroadcaster().toUsers(others, 'typing', { roomId: input.roomId, handle: actor.handle, typing: input.typing });
  return {};
}
