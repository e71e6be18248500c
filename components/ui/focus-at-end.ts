/**
 * Focus the app gives a text box (a conversation opened, Reply, an editor opened): typing goes on after
 * what is in it. A box never focused has its caret at 0, before a restored draft; one focused before
 * keeps where the caret was left.
 */
export function focusAtEnd(box: HTMLTextAreaElement | HTMLInputElement | null) {
  if (!box) return;
  box.focus();
  if (box.selectionStart === 0 && box.selectionEnd === 0) box.setSelectionRange(box.value.length, box.value.length);
}
