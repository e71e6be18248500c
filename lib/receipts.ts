import type { ChatMessage, RoomSummary } from './schemas';

/**
 * What the sender sees under their own message: per member in groups ("Read by 2 of 4"), counting those
 * who were there when it was sent (a newcomer's cursors start at the present, past older messages).
 */
export function receiptLabel(room: RoomSummary, message: ChatMessage, me: string): string {
  const others = room.members.filter((member) => member.handle !== me && (member.joinedSeq ?? 0) < message.seq);
  if (others.length === 0) return 'Sent';
  const read = others.filter((member) => member.readSeq >= message.seq).length;
  const delivered = others.filter((member) => member.deliveredSeq >= message.seq).length;
  if (room.kind === 'direct') return read > 0 ? 'Read' : delivered > 0 ? 'Delivered' : 'Sent';
  if (read > 0) return `Read by ${read} of ${others.length}`;
  if (delivered > 0) return `Delivered to ${delivered} of ${others.length}`;
  return 'Sent';
}
