import type { PublicUser } from '@/lib/schemas';

/**
 * What the app keeps in a history entry's state, beside Next's own keys (its pushState and replaceState
 * carry those over, and its Back and Forward keep ours): that the entry's conversation was opened from the
 * list, or a page (Settings) from the chat, so the entry before it is that one's; or that the details
 * panel, or a first message to someone (a draft), is open on it. Kept in the entry, a reload, Back and
 * Forward keep it with the entry it is true of, and entries left ahead (Forward) do not throw it off as
 * they would the history's length.
 */
const FROM_LIST = 'relay:fromList';
const FROM_CHAT = 'relay:fromChat';
const PANEL = 'relay:panel';
const DRAFT = 'relay:draft';

export type PanelMode = 'details' | 'add';
type PanelEntry = { roomId: string; mode: PanelMode };

const entryState = (): Record<string, unknown> => window.history.state ?? {};

export const openedFromList = () => entryState()[FROM_LIST] === true;
export const fromListState = () => ({ [FROM_LIST]: true });

export const cameFromChat = () => entryState()[FROM_CHAT] === true;
export const markCameFromChat = () => window.history.replaceState({ ...window.history.state, [FROM_CHAT]: true }, '');

export const onPanelEntry = () => entryState()[PANEL] !== undefined;
export function panelOn(roomId: string): PanelMode | null {
  const panel = entryState()[PANEL] as PanelEntry | undefined;
  return panel?.roomId === roomId ? panel.mode : null;
}
export const panelState = (roomId: string, mode: PanelMode) => ({ [PANEL]: { roomId, mode } satisfies PanelEntry });

export const draftInEntry = () => (entryState()[DRAFT] as PublicUser | undefined) ?? null;
export const draftState = (peer: PublicUser) => ({ [DRAFT]: peer });
