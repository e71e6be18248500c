import type { PublicUser } from '@/lib/schemas';
import type { ChatStore } from '@/lib/stores/chat-store';

/** Opens the direct conversation with someone, or a draft when there is none yet. */
export function openDirect(store: ChatStore, user: PublicUser) {
  const { rooms, openRoom, openDraft } = store.getState();
  const existing = Object.values(rooms).find(
    (room) => room.kind === 'direct' && room.members.some((member) => member.handle === user.handle),
  );
  if (existing) openRoom(existing.id);
  else openDraft(user);
}
