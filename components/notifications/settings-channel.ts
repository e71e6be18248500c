import type { NotificationSettingsView } from '@/lib/schemas';

// The Settings panel tells every open Relay page of this browser (this tab and the others) what it
// saved, so a chat tab in the background alerts by the new settings at once, not after a reload.
const CHANNEL = 'relay:notification-settings';

export function announceSettings(settings: NotificationSettingsView) {
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage(settings);
  channel.close();
}

export function onSettingsSaved(listener: (settings: NotificationSettingsView) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<NotificationSettingsView>) => listener(event.data);
  return () => channel.close();
}
