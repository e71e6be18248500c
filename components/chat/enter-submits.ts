import type { KeyboardEvent } from 'react';

/**
 * Enter alone sends (or saves); Shift+Enter is a new line. On a touch screen Enter is a new line too, as
 * in Slack's and WhatsApp's phone apps: there is no Shift to hold there, and Send (or Save) is at hand.
 */
export const enterSubmits = (event: KeyboardEvent<HTMLTextAreaElement>) =>
  event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing && !window.matchMedia('(pointer: coarse)').matches;
