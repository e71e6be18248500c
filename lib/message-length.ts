import { MAX_BODY_LENGTH } from './schemas';

// Counted as the server counts (UTF-16 units, as written and once NFC-normalised, which can lengthen it).
// Text over the limit stays in the box, said in words, rather than being cut by the field (a pasted page
// would lose its end unseen).
const count = (n: number) => n.toLocaleString('en-US');
const counted = (body: string) => Math.max(body.length, body.normalize('NFC').length);

/** Why `body` cannot be sent as one message, or null. */
export const lengthProblem = (body: string) =>
  counted(body) > MAX_BODY_LENGTH ? `Too long to send: ${count(counted(body))} characters, at most ${count(MAX_BODY_LENGTH)}. Shorten it or split it into several messages.` : null;

/** "120 characters left" once the text comes near the limit; null before. */
export const lengthLeft = (body: string) => {
  const left = MAX_BODY_LENGTH - counted(body);
  return left >= 0 && left <= MAX_BODY_LENGTH / 10 ? `${count(left)} ${left === 1 ? 'character' : 'characters'} left` : null;
};
