'use client';

import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import type { ChatMessage, NotificationSettingsView } from '@/lib/schemas';
import { registerServiceWorker } from '@/lib/service-worker';
import { MESSAGE_INPUT_ID } from '../chat/composer';
import { CONVERSATION_HEADING_ID, focusFell } from '../chat/conversation-focus';
import { roomIdFromPath } from '../chat/use-room-route';
import { useChat, useChatClient, useChatStore } from '../providers/chat-provider';
import { inPageNotification } from './in-page-notification';
import { PROMPTED_KEY, enablePush, pushSupported, soundEnabled, subscribePush } from './push-client';
import { onSettingsSaved } from './settings-channel';

/** How many alerted messages a tab remembers, so one pushed again does not alert again. */
const ALERTED_KEPT = 500;

/**
 * The chat page's notification side, with no UI of its own but the one-time prompt: tells the server
 * where this tab is looking (so pushes wait while you read), alerts in the page while it is hidden,
 * and keeps this browser's push subscription attached to the current session.
 */
export function NotificationCenter() {
  const client = useChatClient();
  const store = useChatStore();
  const activeRoomId = useChat((state) => state.activeRoomId);
  const [offer, setOffer] = useState(false);

  // A click on a notification, handled by the service worker, asks an open tab to show its conversation.
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const onWorkerMessage = (event: MessageEvent) => {
      const { type, url } = (event.data ?? {}) as { type?: string; url?: string };
      // Opened as any conversation is: the address follows (use-room-route.ts).
      if (type === 'relay:open' && typeof url === 'string' && url.startsWith('/c/')) store.getState().openRoom(roomIdFromPath(url));
    };
    navigator.serviceWorker.addEventListener('message', onWorkerMessage);
    return () => navigator.serviceWorker.removeEventListener('message', onWorkerMessage);
  }, [store]);

  // view:state on every change of room, visibility or focus, and again after each reconnect.
  useEffect(() => {
    const socket = client?.socket;
    if (!socket) return;
    const report = () => socket.emit('view:state', { roomId: activeRoomId, visible: document.visibilityState === 'visible', focused: document.hasFocus() });
    report();
    const events = ['focus', 'blur'] as const;
    for (const event of events) window.addEventListener(event, report);
    document.addEventListener('visibilitychange', report);
    socket.on('connect', report);
    return () => {
      for (const event of events) window.removeEventListener(event, report);
      document.removeEventListener('visibilitychange', report);
      socket.off('connect', report);
    };
  }, [client, activeRoomId]);

  // A hidden tab alerts at once (the push, if any, comes later and replaces it: same tag, same words),
  // by the same rules and the user's settings, unless the user is looking at the app on another device
  // or tab right now. Until the settings are known it stays quiet: hidden text must never show.
  useEffect(() => {
    const socket = client?.socket;
    if (!client || !socket) return;
    let settings: NotificationSettingsView | null = null;
    const loadSettings = () => apiFetch<NotificationSettingsView>('/api/v1/me/notifications').then((view) => void (settings ??= view));
    void loadSettings().catch((error) => console.warn('[relay] notification settings:', error));
    // Saved in this browser (this or another tab), or on another device (the server tells every tab).
    const stopListening = onSettingsSaved((view) => void (settings = view));
    const onSettingsUpdated = (view: NotificationSettingsView) => void (settings = view);
    socket.on('notifications:updated', onSettingsUpdated);
    // Changed while this tab was cut off, they would be missed: forgotten on a disconnect, read again on the
    // reconnect (a message that comes first waits for them, as at start).
    const onDisconnect = () => void (settings = null);
    const onReconnect = () => void loadSettings().catch((error) => console.warn('[relay] notification settings:', error));
    socket.on('disconnect', onDisconnect);
    socket.io.on('reconnect', onReconnect);
    // A message can come more than once (a retry, from another tab or after a reconnect, is pushed
    // again): it alerts once.
    const alerted = new Set<string>();
    const onMessage = async ({ message }: { message: ChatMessage }) => {
      if (!document.hidden || alerted.has(message.id)) return;
      alerted.add(message.id);
      if (alerted.size > ALERTED_KEPT) alerted.delete(alerted.values().next().value!);
      // A first message in a room not listed yet (a new request) waits for the list, which says what it is.
      if (!settings) await loadSettings();
      if (!store.getState().rooms[message.roomId]) await client.refreshRooms();
      const shown = inPageNotification(store.getState(), message, settings!);
      if (!shown) return;
      const elsewhere = await socket.timeout(5_000).emitWithAck('view:elsewhere', {}).catch(() => null);
      if (elsewhere?.ok && elsewhere.active) return;
      await alertInPage(message, shown);
    };
    const onNew = (payload: { message: ChatMessage }) => void onMessage(payload).catch((error) => console.warn('[relay] alert:', error));
    socket.on('message:new', onNew);
    return () => {
      stopListening();
      socket.off('notifications:updated', onSettingsUpdated);
      socket.off('disconnect', onDisconnect);
      socket.io.off('reconnect', onReconnect);
      socket.off('message:new', onNew);
    };
  }, [client, store]);

  // Permission given before (this or an earlier session): keep the subscription on this session.
  // A failure (no push service: incognito, some builds) is shown in Settings, with a retry.
  useEffect(() => {
    if (pushSupported() && Notification.permission === 'granted') void subscribePush().catch((error) => console.warn('[relay] push subscription:', error));
  }, []);

  // Offered once, after the user's first send: never on first load.
  useEffect(() => {
    if (!pushSupported() || Notification.permission !== 'default' || localStorage.getItem(PROMPTED_KEY)) return;
    return store.subscribe((state, previous) => {
      if (state.outbox.length > previous.outbox.length) setOffer(true);
    });
  }, [store]);

  const answered = useRef(false);
  const close = () => {
    localStorage.setItem(PROMPTED_KEY, '1');
    answered.current = true;
    setOffer(false);
  };
  // The answer's button goes with the bar: focus goes back to the message box (the offer follows a send),
  // never to <body>. On a touch screen to the conversation's heading: the box would pop the keyboard up.
  useEffect(() => {
    if (offer || !answered.current) return;
    answered.current = false;
    if (!focusFell()) return;
    const typing = !window.matchMedia('(pointer: coarse)').matches && document.getElementById(MESSAGE_INPUT_ID);
    (typing || document.getElementById(CONVERSATION_HEADING_ID))?.focus();
  }, [offer]);
  return (
    // A bar below the app, never over it: a floating card covered the composer's Send button. A region, not a
    // dialog: it does not take focus from the message being written. Unnamed and empty, it is no landmark.
    <section
      aria-label={offer ? 'Turn on notifications' : undefined}
      className={offer ? 'flex flex-wrap items-center gap-3 border-t border-slate-200 bg-surface px-4 py-3 text-sm' : undefined}
    >
      {/* On the page before its words, so screen readers say the question when it appears. */}
      <div role="status">{offer && <p>Get a notification when a message arrives while you are away?</p>}</div>
      {offer && (
        <div className="flex gap-2">
          <button
            type="button"
            className="rounded bg-indigo-600 px-3 py-1 text-white"
            onClick={() => {
              // Asks for permission within this click; subscribing goes on in the background.
              void enablePush().catch((error) => console.warn('[relay] notifications:', error));
              close();
            }}
          >
            Turn on notifications
          </button>
          <button type="button" className="rounded border border-slate-300 px-3 py-1" onClick={close}>
            Not now
          </button>
        </div>
      )}
    </section>
  );
}

async function alertInPage({ roomId, seq }: ChatMessage, { title, body }: { title: string; body: string }) {
  if (soundEnabled()) playChime();
  if (!pushSupported() || Notification.permission !== 'granted') return;
  const registration = await registerServiceWorker();
  const tag = `room:${roomId}`;
  // A newer message replaces the conversation's notification and alerts again, whatever its words; one
  // showing this message already (a push that got here first) is replaced quietly. The service worker
  // does the same for pushes (public/sw.js), which carry the newest seq they speak of.
  const showing = (await registration.getNotifications({ tag })).map((shown) => (shown.data as { seq?: number } | null)?.seq ?? 0);
  // One showing a newer message (this one came late) is left as it is.
  if (showing.some((shownSeq) => shownSeq > seq)) return;
  const covered = showing.some((shownSeq) => shownSeq >= seq);
  // `renotify` is in the Notifications standard and Chromium, not yet in TypeScript's DOM types.
  const options: NotificationOptions & { renotify: boolean } = { body, tag, renotify: !covered, data: { url: `/c/${roomId}`, roomId, seq } };
  await registration.showNotification(title, options);
}

// A short two-note chime, made on the spot: no audio file to fetch.
function playChime() {
  try {
    const audio = new AudioContext();
    for (const [index, frequency] of [880, 1320].entries()) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      const start = audio.currentTime + index * 0.12;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.25);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.25);
    }
    setTimeout(() => void audio.close(), 1000);
  } catch {
    // No audio (autoplay policy, no device): the visual alert is enough.
  }
}
