import { z } from 'zod';
import { type DraftFile, draftFileSchema } from './schemas';

// Unsent text per conversation and signed-in user, kept across conversation switches and reloads, and
// shared by the browser's tabs (one stored value each, shown by every tab of that conversation).
// The key is the room id, or `to:<handle>` for a first message to someone.
export const draftKey = (me: string, conversation: string) => `relay:draft:${me}:${conversation}`;

export function loadDraft(me: string, conversation: string): string {
  if (typeof localStorage === 'undefined') return '';
  return localStorage.getItem(draftKey(me, conversation)) ?? '';
}

export function saveDraft(me: string, conversation: string, text: string): void {
  if (typeof localStorage === 'undefined') return;
  if (text) localStorage.setItem(draftKey(me, conversation), text);
  else localStorage.removeItem(draftKey(me, conversation));
}

/** Clears a draft once sent, unless another tab has written a different one since: that one stays. */
export function clearDraftIf(me: string, conversation: string, sent: string): void {
  if (loadDraft(me, conversation) === sent) saveDraft(me, conversation, '');
}

/**
 * Moves what was typed to someone (`to:<handle>`) into their room once it exists. A draft the room
 * already has (typed in another tab) comes first, rather than being replaced.
 */
export function carryDraft(me: string, from: string, to: string): void {
  const carried = loadDraft(me, from);
  if (!carried) return;
  const kept = loadDraft(me, to);
  if (kept !== carried) saveDraft(me, to, kept ? `${kept}\n${carried}` : carried);
  saveDraft(me, from, '');
}

// Files uploaded for a message not yet sent, per room, kept and shared the same way as the text: the
// upload is done (the server holds it for ATTACHMENT_UNSENT_TTL_MS), so leaving the conversation or
// reloading loses nothing. Files still uploading belong to the tab uploading them.
export const draftFilesKey = (me: string, roomId: string) => `relay:draft-files:${me}:${roomId}`;
const storedFiles = z.array(draftFileSchema);

// Judged a minute early: the clocks were matched through a Date header of whole seconds, and a send takes time.
const EXPIRY_MARGIN_MS = 60_000;

/** Past the time the server deletes it unsent (`expiresAt` is kept on this device's clock): sending it would fail. */
export const draftFileExpired = (file: DraftFile, now = Date.now()) => file.expiresAt !== undefined && Date.parse(file.expiresAt) - EXPIRY_MARGIN_MS <= now;

export function loadDraftFiles(me: string, roomId: string): DraftFile[] {
  if (typeof localStorage === 'undefined') return [];
  return parseDraftFiles(localStorage.getItem(draftFilesKey(me, roomId)));
}

/** What a stored value holds; nothing when it is missing or not a list of files. */
export function parseDraftFiles(stored: string | null): DraftFile[] {
  try {
    return stored ? storedFiles.parse(JSON.parse(stored)) : [];
  } catch {
    return [];
  }
}

/** Adds files that finished uploading, or takes away (by id) those removed or sent: other tabs' additions stay. */
export function changeDraftFiles(me: string, roomId: string, change: { add?: DraftFile[]; remove?: string[] }): DraftFile[] {
  const files = loadDraftFiles(me, roomId)
    .filter((file) => !change.remove?.includes(file.id))
    .concat(change.add ?? []);
  if (files.length > 0) localStorage.setItem(draftFilesKey(me, roomId), JSON.stringify(files));
  else localStorage.removeItem(draftFilesKey(me, roomId));
  return files;
}

// The message a draft answers ("Replying to …"), per room, kept and shared the same way as the text:
// switching conversations, reloading or another tab keeps it. Its excerpt is kept as quoted then, for
// when the original is not loaded (the bar shows the original as it is now when it is).
export const draftReplyKey = (me: string, roomId: string) => `relay:draft-reply:${me}:${roomId}`;
const draftReplySchema = z.object({ id: z.string(), roomId: z.string(), sender: z.string(), excerpt: z.string() });
export type DraftReply = z.infer<typeof draftReplySchema>;

export function loadDraftReply(me: string, roomId: string): DraftReply | null {
  if (typeof localStorage === 'undefined') return null;
  return parseDraftReply(localStorage.getItem(draftReplyKey(me, roomId)));
}

/** What a stored value holds; nothing when it is missing or not a reply. */
export function parseDraftReply(stored: string | null): DraftReply | null {
  try {
    return stored ? draftReplySchema.parse(JSON.parse(stored)) : null;
  } catch {
    return null;
  }
}

export function saveDraftReply(me: string, roomId: string, reply: DraftReply | null): void {
  if (reply) localStorage.setItem(draftReplyKey(me, roomId), JSON.stringify(reply));
  else localStorage.removeItem(draftReplyKey(me, roomId));
}

/** Clears the reply once sent, unless another tab has started a different one since: that one stays. */
export function clearDraftReplyIf(me: string, roomId: string, sentId: string): void {
  if (loadDraftReply(me, roomId)?.id === sentId) saveDraftReply(me, roomId, null);
}

// An edit being written (its text as left), per message, in this tab only: switching conversations or
// reloading opens the editor again on that message with that text. Saving or leaving the editor (Cancel,
// Escape) ends it. sessionStorage: an editor is this tab's, not every tab's.
export const EDIT_DRAFT_PREFIX = 'relay:draft-edit:';
const editDraftKey = (me: string, messageId: string) => `${EDIT_DRAFT_PREFIX}${me}:${messageId}`;
// `base`: the message's text the editor showed when the text was left; text left unchanged follows an edit made since.
const editDraftSchema = z.object({ body: z.string(), base: z.string() });
export type EditDraft = z.infer<typeof editDraftSchema>;

export function loadEditDraft(me: string, messageId: string): EditDraft | null {
  try {
    const stored = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(editDraftKey(me, messageId));
    return stored ? editDraftSchema.parse(JSON.parse(stored)) : null;
  } catch {
    return null;
  }
}

export function saveEditDraft(me: string, messageId: string, draft: EditDraft | null): void {
  if (draft) sessionStorage.setItem(editDraftKey(me, messageId), JSON.stringify(draft));
  else sessionStorage.removeItem(editDraftKey(me, messageId));
}
