import { describe, expect, it } from 'vitest';
import { returnPath, withReturnTo } from '@/lib/return-path';

describe('returnPath', () => {
  it('takes a path of this site', () => {
    for (const path of ['/', '/settings', '/c/abc-123', '/admin?tab=reports#x']) expect(returnPath(path), path).toBe(path);
  });

  it('refuses other sites, ways browsers read as another host, invisible characters, the sign-in pages and the API', () => {
    for (const path of ['https://evil.example/', '//evil.example', '/\\evil.example', '\\\\evil', 'evil', '', '/ x', '/a\u0000', '/a\u202E', '/signin', '/signup?x', '/api/v1/me', 'x'.repeat(3_000), 42, null])
      expect(returnPath(path), String(path)).toBeNull();
  });

  it('percent-encodes letters beyond ASCII (a Location header cannot carry them raw) and refuses a lone surrogate', () => {
    expect(returnPath('/c/\u20ac?q=é#Ω')).toBe('/c/%E2%82%AC?q=%C3%A9#%CE%A9');
    expect(returnPath('/c/%E2%82%AC')).toBe('/c/%E2%82%AC');
    expect(returnPath('/c/\uD800x')).toBeNull();
  });

  it('puts a return place in the query, none for the start', () => {
    expect(withReturnTo('/signin', '/c/a b')).toBe('/signin?callbackUrl=%2Fc%2Fa%20b');
    expect(withReturnTo('/signin', '/')).toBe('/signin');
    expect(withReturnTo('/signup', null)).toBe('/signup');
  });
});
