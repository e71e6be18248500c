import type { ChatMessage, ReactionSummary, ReplyQuote } from '@/lib/schemas';
import { excerptOf } from '@/lib/message-excerpt';
import type { DbClient } from '../db/client-types';
import { type AttachmentRow, attachmentSelect, toAttachmentInfo } from '../attachments/attachment-info';

export type MessageRow = {
  id: string;
  roomId: string;
  seq: number;
  senderId?: string;
  clientMsgId: string;
  kind: string;
  body: string;
  createdAt: Date;
  deletedAt?: Date | null;
  deletedBy?: string | null;
  editedAt?: Date | null;
  replyToId?: string | null;
  mentions?: string[];
  version?: number;
  linksHeld?: boolean;
  attachments: AttachmentRow[];
  sender: { handle: string };
};

export const messageInclude = { sender: { select: { handle: true } }, attachments: attachmentSelect } as const;

type ReactionRow = { messageId: string; userId: string; emoji: string; user: { handle: string } };
type QuotedRow = { id: string; seq: number; body: string; deletedAt: Date | null; senderId: string; sender: { handle: string }; attachments: { name: string }[] };

/**
 * What a message's view needs beyond its row: its reactions, the message it quotes, and for each viewer
 * the reactors and quoted senders they blocked (whose reactions and quoted words they do not see, as
 * they do not see their messages).
 */
export type MessageDetails = { reactions: Map<string, ReactionRow[]>; quoted: Map<string, QuotedRow>; blockedBy: Map<string, Set<string>> };

const MAX_HANDLES = 20;

/**
 * Loads the details of many messages in two queries. `fresh` rows were stored just now and have no
 * reactions yet: the hot send path then skips that query.
 */
export async function loadDetails(db: DbClient, rows: MessageRow[], options: { fresh?: boolean; viewers?: string[] } = {}): Promise<MessageDetails> {
  const live = rows.filter((row) => !row.deletedAt);
  const replyIds = [...new Set(live.flatMap((row) => (row.replyToId ? [row.replyToId] : [])))];
  const [reactionRows, quotedRows] = await Promise.all([
    options.fresh || live.length === 0
      ? []
      : db.reaction.findMany({
          where: { messageId: { in: live.map((row) => row.id) } },
          // A stable order, so every reader builds the same list.
          orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
          select: { messageId: true, userId: true, emoji: true, user: { select: { handle: true } } },
        }),
    replyIds.length === 0
      ? []
      : db.message.findMany({
          where: { id: { in: replyIds } },
          select: { id: true, seq: true, body: true, deletedAt: true, senderId: true, sender: { select: { handle: true } }, attachments: { select: { name: true }, orderBy: { position: 'asc' } } },
        }),
  ]);
  const reactions = new Map<string, ReactionRow[]>();
  for (const reaction of reactionRows) reactions.set(reaction.messageId, [...(reactions.get(reaction.messageId) ?? []), reaction]);
  const authors = [...new Set([...reactionRows.map((reaction) => reaction.userId), ...quotedRows.map((quoted) => quoted.senderId)])];
  const blocks =
    authors.length === 0 || !options.viewers?.length
      ? []
      : await db.block.findMany({ where: { blockerId: { in: options.viewers }, blockedId: { in: authors } }, select: { blockerId: true, blockedId: true } });
  const blockedBy = new Map<string, Set<string>>();
  for (const { blockerId, blockedId } of blocks) blockedBy.set(blockerId, (blockedBy.get(blockerId) ?? new Set()).add(blockedId));
  return { reactions, quoted: new Map(quotedRows.map((row) => [row.id, row])), blockedBy };
}

/**
 * Whether `viewerId` sees this message differently from everyone else: they reacted, or blocked a
 * reactor or the sender of the message it quotes.
 */
export function hasOwnView(details: MessageDetails, row: Pick<MessageRow, 'id' | 'replyToId'>, viewerId: string): boolean {
  const hidden = details.blockedBy.get(viewerId);
  const quoted = row.replyToId ? details.quoted.get(row.replyToId) : undefined;
  if (quoted && hidden?.has(quoted.senderId)) return true;
  return (details.reactions.get(row.id) ?? []).some((reaction) => reaction.userId === viewerId || hidden?.has(reaction.userId));
}

/** A message as `viewerId` sees it (null: someone who did not react to it). */
export function toView(row: MessageRow, details: MessageDetails, viewerId: string | null): ChatMessage {
  const deleted = Boolean(row.deletedAt);
  return {
    id: row.id,
    roomId: row.roomId,
    seq: row.seq,
    clientMsgId: row.clientMsgId,
    sender: row.sender.handle,
    kind: row.kind === 'system' ? 'system' : 'text',
    body: deleted ? '' : row.body,
    createdAt: row.createdAt.toISOString(),
    ...(deleted && { deleted: true as const, deletedBy: row.deletedBy === 'sender' ? ('sender' as const) : ('moderator' as const) }),
    editedAt: row.editedAt ? row.editedAt.toISOString() : null,
    replyTo: !deleted && row.replyToId ? quoteOf(row.replyToId, details.quoted.get(row.replyToId), viewerId ? details.blockedBy.get(viewerId) : undefined) : null,
    reactions: deleted ? [] : summarise(visibleReactions(details, row.id, viewerId), viewerId),
    mentions: deleted ? [] : (row.mentions ?? []),
    version: row.version ?? 0,
    ...(row.linksHeld && !deleted && { linksHeld: true as const }),
    // A deleted message's files go with its body.
    attachments: deleted ? [] : row.attachments.map(toAttachmentInfo),
  };
}

function visibleReactions(details: MessageDetails, messageId: string, viewerId: string | null): ReactionRow[] {
  const all = details.reactions.get(messageId) ?? [];
  const hidden = viewerId ? details.blockedBy.get(viewerId) : undefined;
  return hidden ? all.filter((reaction) => !hidden.has(reaction.userId)) : all;
}

function quoteOf(id: string, quoted: QuotedRow | undefined, blockedByViewer: Set<string> | undefined): ReplyQuote {
  // Hidden first: that someone the viewer blocked deleted what they wrote is theirs too.
  if (quoted && blockedByViewer?.has(quoted.senderId)) return hiddenQuote({ id, seq: quoted.seq });
  if (!quoted || quoted.deletedAt) return { id, seq: quoted?.seq ?? 0, sender: quoted?.sender.handle ?? '', excerpt: '', deleted: true };
  // The same line the composer showed while the reply was on its way: the text, or the files' names.
  return { id, seq: quoted.seq, sender: quoted.sender.handle, excerpt: excerptOf({ body: quoted.body, attachments: quoted.attachments, deleted: false }), deleted: false };
}

/** A quote of someone the viewer blocked: where it points, none of its words or its author. */
export const hiddenQuote = ({ id, seq }: Pick<ReplyQuote, 'id' | 'seq'>): ReplyQuote => ({ id, seq, sender: '', excerpt: '', deleted: false, hidden: true });

// Emojis in the order they were first used; within one, handles in the order they reacted, the viewer's first.
function summarise(reactions: ReactionRow[], viewerId: string | null): ReactionSummary[] {
  const byEmoji = new Map<string, ReactionRow[]>();
  for (const reaction of reactions) byEmoji.set(reaction.emoji, [...(byEmoji.get(reaction.emoji) ?? []), reaction]);
  return [...byEmoji].map(([emoji, rows]) => {
    const own = rows.filter((row) => row.userId === viewerId);
    const others = rows.filter((row) => row.userId !== viewerId);
    return { emoji, count: rows.length, handles: [...own, ...others].slice(0, MAX_HANDLES).map((row) => row.user.handle) };
  });
}

/** Many rows as one viewer sees them. */
export async function toChatMessages(db: DbClient, viewerId: string | null, rows: MessageRow[], options: { fresh?: boolean } = {}): Promise<ChatMessage[]> {
  const details = await loadDetails(db, rows, { ...options, viewers: viewerId ? [viewerId] : [] });
  return rows.map((row) => toView(row, details, viewerId));
}
