import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { unblockedRoomPeers } from '../safety/unblocked-peers';

/** Passes "is typing" to the room's other members, none across a block; never stored. */
export async function relayTyping(actor: Actor, input: { roomId: string; typing: boolean }) {
  await requireMember(actor, input.roomId);
  const others = await unblockedRoomPeers(getDb(), input.roomId, actor.userId);
  getBroadcaster().toUsers(others, 'typing', { roomId: input.roomId, handle: actor.handle, typing: input.typing });
  return {};
}
