/**
 * Focus the app gives a text box (a conversation opened, Reply, an editor opened): typing goes on after
 * what is in it. A box focused for the first time would otherwise put the caret before a restored draft.
 */
export function focusAtEnd(box: HTMLTextAreaElement | HTMLInputElement | null) {
  box?.focus();
  box?.setSelectionRange(box.value.length, box.value.length);
}
