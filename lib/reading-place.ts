// Where the reader was in a conversation (the first message in view and how far from the top), kept per
// tab in sessionStorage: switching away and back, or reloading, returns there rather than to the bottom.

export type ReadingPlace = { seq: number; top: number };

export const readingPlaceKey = (me: string, roomId: string) => `relay:place:${me}:${roomId}`;

export function loadReadingPlace(key: string): ReadingPlace | null {
  if (typeof sessionStorage === 'undefined') return null;
  try {
    const place = JSON.parse(sessionStorage.getItem(key) ?? 'null');
    return Number.isInteger(place?.seq) && Number.isFinite(place?.top) ? { seq: place.seq, top: place.top } : null;
  } catch {
    return null;
  }
}

/** Keeps the place; `null` (the reader is at the bottom) forgets it, so the next visit lands at the bottom. */
export function saveReadingPlace(key: string, place: ReadingPlace | null): void {
  if (typeof sessionStorage === 'undefined') return;
  if (place) sessionStorage.setItem(key, JSON.stringify(place));
  else sessionStorage.removeItem(key);
}
