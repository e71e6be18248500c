// Unsent text per conversation and signed-in user, kept across conversation switches and reloads.
// The key is the room id, or `to:<handle>` for a first message to someone.
const key = (me: string, conversation: string) => `relay:draft:${me}:${conversation}`;

export function loadDraft(me: string, conversation: string): string {
  if (typeof localStorage === 'undefined') return '';
  return localStorage.getItem(key(me, conversation)) ?? '';
}

export function saveDraft(me: string, conversation: string, text: string): void {
  if (typeof localStorage === 'undefined') return;
  if (text) localStorage.setItem(key(me, conversation), text);
  else localStorage.removeItem(key(me, conversation));
}

/** Takes (reads and clears) a draft: what was typed to someone moves to the room once it exists. */
export function takeDraft(me: string, conversation: string): string {
  const text = loadDraft(me, conversation);
  if (text) saveDraft(me, conversation, '');
  return text;
}
