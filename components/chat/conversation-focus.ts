/** The open conversation's title (its header's heading): where focus goes when the control that held it went away. */
export const CONVERSATION_HEADING_ID = 'conversation-heading';

/**
 * Nothing holds focus: it is on <body>, or on a control no longer shown (on a phone, the list's entry once
 * the conversation it opened covers the list; the browser drops such focus to <body> soon after).
 */
export function focusFell() {
  const active = document.activeElement;
  // checkVisibility is missing in browsers older than 2024 (Safari 17.4): there, only <body> counts.
  return active === null || active === document.body || (typeof active.checkVisibility === 'function' && !active.checkVisibility());
}

/** Puts focus on the open conversation's heading if nothing holds it, so a screen reader reads where the user is. */
export function focusConversationIfFell() {
  if (focusFell()) document.getElementById(CONVERSATION_HEADING_ID)?.focus();
}
