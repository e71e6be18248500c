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
