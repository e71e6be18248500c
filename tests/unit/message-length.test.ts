import { describe, expect, it } from 'vitest';
import { lengthLeft, lengthProblem } from '@/lib/message-length';
import { MAX_BODY_LENGTH } from '@/lib/schemas';

describe('message length, as the composer and the edit box say it', () => {
  it('refuses past the limit in words, counting as the server does (UTF-16 units)', () => {
    expect(lengthProblem('x'.repeat(MAX_BODY_LENGTH))).toBeNull();
    expect(lengthProblem('x'.repeat(MAX_BODY_LENGTH + 1))).toBe('Too long to send: 4,001 characters, at most 4,000. Shorten it or split it into several messages.');
    // An emoji outside the BMP counts twice, as the server's check counts it.
    expect(lengthProblem(`${'x'.repeat(MAX_BODY_LENGTH - 1)}😀`)).not.toBeNull();
    // And as it is stored: NFC turns U+FB2C into three characters.
    expect(lengthProblem('\uFB2C'.repeat(1334))).toBe('Too long to send: 4,002 characters, at most 4,000. Shorten it or split it into several messages.');
    expect(lengthLeft('\uFB2C'.repeat(1300))).toBe('100 characters left');
  });

  it('counts down only near the limit', () => {
    expect(lengthLeft('x'.repeat(100))).toBeNull();
    expect(lengthLeft('x'.repeat(MAX_BODY_LENGTH - 400))).toBe('400 characters left');
    expect(lengthLeft('x'.repeat(MAX_BODY_LENGTH - 1))).toBe('1 character left');
    expect(lengthLeft('x'.repeat(MAX_BODY_LENGTH + 1))).toBeNull();
  });
});
