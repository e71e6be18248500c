import { MAX_BODY_LENGTH } from './schemas';

// Counted as the server counts (UTF-16 units). Text over the limit stays in the box, said in words, rather
// than being cut by the field (a pasted page would lose its end unseen).
const count = (n: number) => n.toLocaleString('en-US');

/** Why `body` cannot be sent as one message, or null. */
export const lengthProblem = (body: string) =>
  body.length > MAX_BODY_LENGTH ? `Too long to send: ${count(body.length)} characters, at most ${count(MAX_BODY_LENGTH)}. Shorten it or split it into several messages.` : null;

/** "120 characters left" once the text comes near the limit; null before. */
export const lengthLeft = (body: string) => {
  const left = MAX_BODY_LENGTH - body.length;
  return left >= 0 && left <= MAX_BODY_LENGTH / 10 ? `${count(left)} ${left === 1 ? 'character' : 'characters'} left` : null;
};
