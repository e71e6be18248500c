'use client';

import { createContext, useContext } from 'react';
import { type Act, useApiList } from '../ui/use-api-list';

/**
 * Bumped by every moderator action on the page, so each panel reloads: one action changes several
 * lists (a ban closes reports, changes the person's status and writes the audit log).
 */
export const ModerationChanges = createContext({ version: 0, changed: () => {} });

/** A moderation panel's list: reloaded after any action on the page, and its own actions count as one. */
export function useModerationList<T>(path: string, pick: (body: any) => T[]) {
  const { version, changed } = useContext(ModerationChanges);
  const list = useApiList<T>(path, pick, version);
  const act: Act = async (action) => {
    const done = await list.act(action);
    if (done) changed();
    return done;
  };
  return { ...list, act };
}
