import { describe, expect, it } from 'vitest';
import { initialsOf } from '@/components/chat/avatar';

describe('initialsOf', () => {
  it('takes the first letter of the first two words', () => {
    expect(initialsOf('Alice Liddell')).toBe('AL');
    expect(initialsOf('  bob   the builder ')).toBe('BT');
  });

  it('takes a one-word name’s first two characters, or ? for none', () => {
    expect(initialsOf('carol')).toBe('CA');
    expect(initialsOf('   ')).toBe('?');
  });

  it('takes whole characters, never half of an emoji', () => {
    expect(initialsOf('Alice 🌸 Liddell')).toBe('A🌸');
    expect(initialsOf('🌸Alice')).toBe('🌸A');
    // A flag and a family are one character each, as the reader sees them.
    expect(initialsOf('🇫🇷 Paris')).toBe('🇫🇷P');
    expect(initialsOf('👩‍👩‍👧 Smiths')).toBe('👩‍👩‍👧S');
  });
});
