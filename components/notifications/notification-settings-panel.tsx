'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/lib/api-client';
import { clockTime } from '@/lib/dates';
import { problemInWords } from '@/lib/form-problems';
import { type NotificationSettingsView, quietHoursSchema } from '@/lib/schemas';
import { Panel } from '../ui/panel';
import { SOUND_KEY, enablePush, hasPushSubscription, pushSupported, soundEnabled, subscribePush } from './push-client';
import { announceSettings } from './settings-channel';

/** Global notification settings: on/off, hide message text, quiet hours; and this device's permission and sound. */
export function NotificationSettingsPanel() {
  const [settings, setSettings] = useState<NotificationSettingsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [permission, setPermission] = useState<string>('unsupported');
  const [sound, setSound] = useState(true);
  // Permission alone is not enough: subscribing can fail (no push service: incognito, some builds).
  const [subscribed, setSubscribed] = useState<boolean | null>(null);
  // What the last quiet-hours save did, in words: a keyboard or screen-reader user hears nothing else.
  const [said, setSaid] = useState('');

  const checkDevice = () => {
    const current = pushSupported() ? Notification.permission : 'unsupported';
    setPermission(current);
    if (current === 'granted') void hasPushSubscription().then(setSubscribed, () => setSubscribed(false));
  };

  useEffect(() => {
    apiFetch<NotificationSettingsView>('/api/v1/me/notifications').then(setSettings, (failure) => setError((failure as Error).message));
    checkDevice();
    setSound(soundEnabled());
  }, []);

  /** Saves a change; the settings as saved, or null if it failed (the error shown). */
  async function save(change: Partial<NotificationSettingsView>) {
    setError(null);
    // Cleared first, so saying the same words again is a change a screen reader reads.
    setSaid('');
    try {
      const saved = await apiFetch<NotificationSettingsView>('/api/v1/me/notifications', { method: 'PATCH', body: JSON.stringify(change) });
      setSettings(saved);
      announceSettings(saved);
      return saved;
    } catch (failure) {
      setError((failure as Error).message);
      return null;
    }
  }

  const saveQuiet = useRef<HTMLButtonElement>(null);
  const failed = (failure: unknown) => setError((failure as Error).message);

  function saveQuietHours(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const quietHours = { start: String(form.get('start')), end: String(form.get('end')), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
    const problem = problemInWords(quietHoursSchema, quietHours, ([field]) => (field === 'end' ? 'The quiet time' : field === 'start' ? 'The start' : 'The time zone'));
    if (problem) return setError(problem);
    void save({ quietHours }).then((saved) => saved?.quietHours && setSaid(`Quiet hours saved: no notifications from ${clockTime(saved.quietHours.start)} to ${clockTime(saved.quietHours.end)}.`));
  }

  return (
    <Panel id="notifications" title="Notifications" error={error}>
      {settings && (
        <div className="space-y-3 text-sm">
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={settings.enabled} onChange={(event) => void save({ enabled: event.target.checked })} />
            Notify me of new messages when I am away
          </label>
          <label className="flex items-center gap-2">
            <input type="checkbox" checked={settings.hideText} onChange={(event) => void save({ hideText: event.target.checked })} />
            Hide message text in notifications
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={sound}
              onChange={(event) => {
                window.localStorage.setItem(SOUND_KEY, event.target.checked ? 'on' : 'off');
                setSound(event.target.checked);
              }}
            />
            Play a sound for new messages (this device)
          </label>
          <form onSubmit={saveQuietHours} className="flex flex-wrap items-center gap-2" aria-label="Quiet hours">
            <span>Quiet hours from</span>
            <input type="time" name="start" required defaultValue={settings.quietHours?.start ?? '22:00'} aria-label="Quiet hours start" className="rounded border border-slate-300 px-1" />
            <span>to</span>
            <input type="time" name="end" required defaultValue={settings.quietHours?.end ?? '07:00'} aria-label="Quiet hours end" className="rounded border border-slate-300 px-1" />
            <button ref={saveQuiet} type="submit" className="rounded border border-slate-300 px-2 py-0.5">
              Save quiet hours
            </button>
            {settings.quietHours && (
              // Gone once off: focus moves to the button beside it rather than to the page.
              <button
                type="button"
                onClick={() =>
                  void save({ quietHours: null }).then((saved) => {
                    saveQuiet.current?.focus();
                    if (saved) setSaid('Quiet hours turned off.');
                  })
                }
                className="text-indigo-700 underline"
              >
                Turn quiet hours off
              </button>
            )}
          </form>
          {settings.quietHours && (
            <p className="text-slate-500">
              No notifications from {clockTime(settings.quietHours.start)} to {clockTime(settings.quietHours.end)} ({settings.quietHours.timeZone}).
            </p>
          )}
          {/* On the page from the start, empty: a live region added together with its words is often not read. */}
          <p role="status" className="text-slate-600">
            {said}
          </p>
          <p className="text-slate-600">
            This browser:{' '}
            {permission === 'granted'
              ? subscribed === true
                ? 'notifications are on.'
                : subscribed === false
                  ? 'notifications are allowed, but pushes cannot be delivered to this browser (it has no push subscription). '
                  : ''
              : permission === 'denied'
                ? 'notifications are blocked in the browser settings.'
                : permission === 'unsupported'
                  ? 'cannot show notifications.'
                  : ''}
            {permission === 'granted' && subscribed === false && (
              <button type="button" className="rounded bg-indigo-600 px-2 py-0.5 text-white" onClick={() => void subscribePush().then(() => setSubscribed(true), failed)}>
                Try again
              </button>
            )}
            {permission === 'default' && (
              <button type="button" className="rounded bg-indigo-600 px-2 py-0.5 text-white" onClick={() => void enablePush().catch(failed).finally(checkDevice)}>
                Turn on notifications on this device
              </button>
            )}
          </p>
        </div>
      )}
    </Panel>
  );
}
