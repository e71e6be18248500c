import type { ChatMessage } from '@/lib/schemas';

type MessageRow = { id: string; roomId: string; seq: number; clientMsgId: string; kind: string; body: string; createdAt: Date; deletedAt?: Date | null; linksHeld?: boolean };

export const messageInclude = { sender: { select: { handle: true } } } as const;

export const toChatMessage = (row: MessageRow & { sender: { handle: string } }): ChatMessage => ({
  id: row.id,
  roomId: row.roomId,
  seq: row.seq,
  clientMsgId: row.clientMsgId,
  sender: row.sender.handle,
  kind: row.kind === 'system' ? 'system' : 'text',
  body: row.deletedAt ? '' : row.body,
  createdAt: row.createdAt.toISOString(),
  ...(row.deletedAt && { deleted: true as const }),
  ...(row.linksHeld && !row.deletedAt && { linksHeld: true as const }),
});
