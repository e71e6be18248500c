import { AppError } from '@/lib/errors';
import { MAX_BODY_LENGTH } from '@/lib/schemas';
import { FORBIDDEN_CHARACTERS } from '@/lib/text-rules';
import type { AppEnv } from '../env';

export const LINK_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"]+|\bjavascript:/i;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Checks a body before it is stored: refuses invisible control characters and text that normalises past
 * the length limit, and masks (or refuses) banned words. Returns the text to store, NFC-normalised.
 */
export function checkContent(body: string, env: Pick<AppEnv, 'BANNED_WORDS' | 'BANNED_WORDS_MODE'>): string {
  const text = body.normalize('NFC');
  // Normalising can lengthen text (U+FB2C becomes three characters): the limit holds for what is stored.
  if (text.length > MAX_BODY_LENGTH) throw new AppError('bad_request', `body: must be at most ${MAX_BODY_LENGTH} characters once normalised (NFC)`);
  if (FORBIDDEN_CHARACTERS.test(text)) throw new AppError('bad_request', 'body: contains control characters that are not allowed');
  const words = env.BANNED_WORDS.split(',').map((word) => word.trim()).filter(Boolean);
  if (words.length === 0) return text;
  const banned = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  if (env.BANNED_WORDS_MODE === 'refuse' && banned.test(text)) {
    throw new AppError('bad_request', 'body: contains words that are not allowed here');
  }
  return text.replace(banned, (word) => '*'.repeat(word.length));
}

export const containsLink = (body: string) => LINK_PATTERN.test(body);

/** Every link in `body`, as LINK_PATTERN finds them. */
export const linksIn = (body: string) => body.match(new RegExp(LINK_PATTERN.source, 'gi')) ?? [];
