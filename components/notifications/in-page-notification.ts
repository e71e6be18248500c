import { composeNotification, roomLevel } from '@/lib/notification-rules';
import type { ChatMessage, NotificationSettingsView } from '@/lib/schemas';
import type { ChatState } from '@/lib/stores/chat-store';

/**
 * What the push for this message would show (lib/notification-rules.ts, as decide-notification.ts
 * applies it), from what this tab knows; null when it would not notify. A room the tab does not list is
 * an ignored request (GET /requests lists only pending ones): nothing. Blocked senders need no check:
 * the server never sends the blocker their messages.
 */
export function inPageNotification(
  state: Pick<ChatState, 'me' | 'rooms' | 'requests'>,
  message: ChatMessage,
  settings: NotificationSettingsView,
  now = new Date(),
): { title: string; body: string } | null {
  if (message.sender === state.me.handle || message.kind === 'system' || message.deleted) return null;
  const room = state.rooms[message.roomId];
  const request = state.requests.find((entry) => entry.roomId === message.roomId && !entry.group);
  if (!room && !request) return null;
  const senderName = room?.members.find((member) => member.handle === message.sender)?.displayName ?? request?.from?.displayName ?? message.sender;
  return composeNotification(
    [{ senderName, body: message.body, mentions: message.mentions ?? [], attachments: message.attachments }],
    { handle: state.me.handle, level: room ? roomLevel(room, now) : 'all', request: room ? null : 'pending', roomName: room?.name ?? null, settings },
    now,
  );
}
