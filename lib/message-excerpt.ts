import type { ChatMessage } from './schemas';
import { shorten } from './text-rules';

/** What a deleted message shows in its place, in the conversation and in the list. */
export const deletedLabel = (message: Pick<ChatMessage, 'deletedBy'>) => (message.deletedBy === 'sender' ? 'Message deleted' : 'Message removed');

/**
 * A message in one line, as a reply quote, a waiting reply and the conversation list show it: the first
 * line of its text, shortened; its files' names when it has no text; what became of it when deleted.
 */
export function excerptOf(message: Pick<ChatMessage, 'body' | 'attachments' | 'deleted' | 'deletedBy'>): string {
  if (message.deleted) return deletedLabel(message);
  const line = message.body.split('\n')[0].trim();
  if (line) return line.length > 120 ? `${shorten(line, 119)}…` : line;
  return message.attachments?.length ? `📎 ${message.attachments.map((attachment) => attachment.name).join(', ')}` : '';
}
