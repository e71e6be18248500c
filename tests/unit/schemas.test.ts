import { z } from 'zod';
import { parseInput } from '@/lib/validation';
import { describe, expect, it } from 'vitest';
import { messageSendSchema } from '@/lib/realtime/contract';
import { displayNameSchema, emojiSchema, handleSchema, messageBodySchema, moderationReasonSchema, reportSchema, resolveReportSchema, signUpSchema } from '@/lib/schemas';

describe('shared schemas', () => {
  it('takes a new handle exactly as given, and looks existing ones up case-insensitively', () => {
    expect(signUpSchema.parse({ username: 'alice.b-2_x', password: '12345678' }).username).toBe('alice.b-2_x');
    expect(handleSchema.parse(' @Bob '.replace('@', ''))).toBe('bob');
    for (const username of ['ab', 'a'.repeat(33), 'al ice', 'ålice', 'al!ce', 'Alice', ' alice ']) {
      expect(signUpSchema.safeParse({ username, password: '12345678' }).success, username).toBe(false);
    }
  });

  it('refuses a password of only spaces (or other blanks), which looks set but guards nothing; spaces within one are fine', () => {
    for (const password of [' '.repeat(8), '\t'.repeat(10), '\u00a0'.repeat(9)]) {
      expect(parseInput.bind(null, signUpSchema, { username: 'alice', password })).toThrow('password: must not be only spaces');
    }
    expect(signUpSchema.safeParse({ username: 'alice', password: 'correct horse battery' }).success).toBe(true);
  });

  it('accepts a send to a handle or to a room, never both shapes mixed with unknown fields', () => {
    expect(messageSendSchema.safeParse({ to: 'bob', clientMsgId: '1', body: 'hi' }).success).toBe(true);
    expect(messageSendSchema.safeParse({ roomId: 'r1', clientMsgId: '1', body: 'hi' }).success).toBe(true);
    expect(messageSendSchema.safeParse({ to: 'bob', clientMsgId: '1', body: 'hi', extra: 1 }).success).toBe(false);
    expect(messageSendSchema.safeParse({ clientMsgId: '1', body: 'hi' }).success).toBe(false);
    // Ids are opaque but must be storable, printable text.
    expect(messageSendSchema.safeParse({ roomId: 'r1', clientMsgId: 'a\u0001', body: 'hi' }).success).toBe(false);
    expect(messageSendSchema.safeParse({ roomId: 'r\u007f', clientMsgId: 'a', body: 'hi' }).success).toBe(false);
    expect(messageSendSchema.safeParse({ roomId: 'r1', clientMsgId: 'émoji 🙂', body: 'hi' }).success).toBe(true);
  });
});

describe('schemas on hostile input', () => {
  it('refuses C1 controls and interlinear annotation marks in names and bodies, and line separators in names', () => {
    for (const text of ['Bob\u0085Admin', 'Bob\u009B31m', 'Bob\u0080', 'Bob\uFFF9hidden\uFFFB']) {
      expect(displayNameSchema.safeParse(text).success, JSON.stringify(text)).toBe(false);
      expect(messageBodySchema.safeParse(text).success, JSON.stringify(text)).toBe(false);
    }
    for (const name of ['Bob\u2028Admin', 'Bob\u2029Admin']) expect(displayNameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false);
    // A body may break lines as it likes; a name keeps the letters of any script, and flags made of tag characters.
    expect(messageBodySchema.safeParse('one\u2028two').success).toBe(true);
    for (const name of ['Zoë', 'Łukasz', 'Ĳsbrand ÿ', '🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}']) expect(displayNameSchema.safeParse(name).success, name).toBe(true);
    // The name deleted accounts are shown under is nobody's, however it is written.
    for (const name of [
      'Deleted account', 'deleted  ACCOUNT', ' Deleted\u200B account ', 'Ｄｅｌｅｔｅｄ ａｃｃｏｕｎｔ', 'Deleted\u00A0account',
      // Blanks of other kinds in place of the space, and marks that show nothing, anywhere.
      'Deleted account\uFE0F', 'Deleted\u3164account', 'Deleted\u2800account', 'Deleted\uFFA0account', 'Deleted\u115Faccount',
      'Dele\u034Fted account', 'Deleted\u200Caccount', 'Deleted\u{E0020}account', 'Deletedaccount',
    ]) {
      expect(displayNameSchema.safeParse(name).success, JSON.stringify(name)).toBe(false);
    }
    for (const name of ['Deleted accountant', 'Not a deleted account']) expect(displayNameSchema.safeParse(name).success, name).toBe(true);
  });

  it('refuses a client message id holding a lone surrogate: stored, it would become U+FFFD and match another send', () => {
    for (const clientMsgId of ['id-\ud800', 'id-\udfff', '\udbff']) {
      const parsed = messageSendSchema.safeParse({ roomId: 'r1', clientMsgId, body: 'hi' });
      expect(parsed.success, clientMsgId).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.message)).toEqual(['must be valid Unicode text']);
    }
    expect(messageSendSchema.safeParse({ roomId: 'r1', clientMsgId: 'id-😀-é', body: 'hi' }).success).toBe(true);
  });

  it('refuses a too-long emoji by its length alone, never segmenting it (which grows faster than the text)', () => {
    const long = emojiSchema.safeParse('x'.repeat(40_000));
    expect(long.error?.issues).toHaveLength(1);
    expect(long.error?.issues[0]).toMatchObject({ code: 'too_big', message: 'must be one emoji' });
    expect(emojiSchema.safeParse('👍🏽').success).toBe(true);
    expect(emojiSchema.safeParse('👍👍').success).toBe(false);
  });

  it('keeps reasons to valid text without control characters (lines allowed), and lets a resolution say none', () => {
    for (const reason of ['r\ud800', 'r\u0007', 'r\u202e']) {
      expect(reportSchema.safeParse({ messageId: 'm', reason }).success, JSON.stringify(reason)).toBe(false);
      expect(moderationReasonSchema.safeParse({ reason }).success, JSON.stringify(reason)).toBe(false);
      expect(resolveReportSchema.safeParse({ status: 'resolved', reason }).success, JSON.stringify(reason)).toBe(false);
    }
    expect(moderationReasonSchema.parse({ reason: ' spam,\ntwice ' }).reason).toBe('spam,\ntwice');
    expect(moderationReasonSchema.safeParse({ reason: '   ' }).success).toBe(false);
    expect(resolveReportSchema.parse({ status: 'dismissed', reason: '  ' }).reason).toBe('');
    expect(resolveReportSchema.parse({ status: 'dismissed' }).reason).toBe('');
  });
});

describe('parseInput', () => {
  it('refuses a NUL anywhere in the input, naming where, whatever the schema allows', () => {
    const anything = z.object({ a: z.array(z.object({ b: z.string() })) });
    expect(() => parseInput(anything, { a: [{ b: 'fine' }, { b: 'no\u0000' }] })).toThrow('a.1.b: must not contain the NUL control character');
    expect(parseInput(anything, { a: [{ b: 'fine' }] })).toEqual({ a: [{ b: 'fine' }] });
  });
});
