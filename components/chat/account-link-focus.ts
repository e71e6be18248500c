'use client';

import { useEffect } from 'react';

// The account link (Settings, Moderation) the chat was left by, kept per tab until the chat is back.
const LEFT_BY_KEY = 'relay:left-by';

export const rememberLeavingBy = (href: string) => sessionStorage.setItem(LEFT_BY_KEY, href);
/** The page the chat was left for by its account link, until the chat is back (back-to-chat.tsx). */
export const chatLeftFor = () => sessionStorage.getItem(LEFT_BY_KEY);

/**
 * Back in the chat from a page it was left for, focus returns to the link that led there rather than
 * falling to <body>, if that link is on screen (a phone showing a conversation hides it) and nothing
 * else took focus first.
 */
export function useAccountLinkFocus() {
  useEffect(() => {
    const href = chatLeftFor();
    sessionStorage.removeItem(LEFT_BY_KEY);
    if (!href || (document.activeElement && document.activeElement !== document.body)) return;
    const link = document.querySelector<HTMLElement>(`nav[aria-label="Account"] a[href="${CSS.escape(href)}"]`);
    if (link?.offsetParent) link.focus();
  }, []);
}
