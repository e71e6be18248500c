import type { ChatMessage } from './schemas';
import { shorten } from './text-rules';

/** What a deleted message shows in its place, in the conversation and in the list. */
export const deletedLabel = (message: Pick<ChatMessage, 'deletedBy'>) => (message.deletedBy === 'sender' ? 'Message deleted' : 'Message removed');

const EXCERPT_LENGTH = 120;

/**
 * A message in one line, as a reply quote, a waiting reply and the conversation list show it: the first
 * line of its text, or its files' names when it has no text, at most 120 characters; what became of it
 * when deleted.
 */
export function excerptOf(message: { body: string; attachments?: { name: string }[]; deleted?: boolean; deletedBy?: ChatMessage['deletedBy'] }): string {
  if (message.deleted) return deletedLabel(message);
  const text = message.body.trim().split('\n')[0].trim();
  const line = text || (message.attachments?.length ? `📎 ${message.attachments.map((attachment) => attachment.name).join(', ')}` : '');
  return line.length > EXCERPT_LENGTH ? `${shorten(line, EXCERPT_LENGTH - 1)}…` : line;
}
