import type { Actor } from '../auth/authenticate';
import { requireMember } from '../rooms/require-member';
import { getBroadcaster, getDb } from '../runtime';
import { activityAudience } from '../safety/visibility';

/**
 * Passes "is typing" to the room's other members, none across a block; never stored. The recipient
 * of an unanswered message request shows the stranger no activity (docs/security.md).
 */
export async function relayTyping(actor: Actor, input: { roomId: string; typing: boolean }) {
  const member = await requireMember(actor, input.roomId);
  const others = await activityAudience(getDb(), member);
  getBroadcaster().toUsers(others, 'typing', { roomId: input.roomId, handle: actor.handle, typing: input.typing });
  return {};
}
