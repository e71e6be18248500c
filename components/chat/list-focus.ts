/**
 * Focus for when the open conversation goes away under the keyboard (a request ignored or blocked):
 * the first message request left, else the first conversation, else Find people, never <body>. Run
 * after the list has re-rendered without it.
 */
export function focusConversationList() {
  const target =
    document.querySelector<HTMLElement>('section[aria-label="Message requests"] li button') ??
    document.querySelector<HTMLElement>('ul[aria-label="Recent conversations"] button') ??
    document.querySelector<HTMLElement>('input[type="search"][placeholder="Search by name or handle"]');
  target?.focus();
}
