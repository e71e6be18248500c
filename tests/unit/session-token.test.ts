import { encode } from 'next-auth/jwt';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeSessionToken, encodeSessionToken, tokenFromHeaders } from '@/server/auth/session-token';
import { setRuntime } from '@/server/runtime';

describe('tokenFromHeaders', () => {
  it('prefers a bearer token over cookies', () => {
    expect(tokenFromHeaders('Bearer abc.def', 'next-auth.session-token=cookie')).toBe('abc.def');
  });

  it('reads next-auth session cookies, secure one first, and decodes them', () => {
    expect(tokenFromHeaders(null, 'a=1; next-auth.session-token=tok%3Den; b=2')).toBe('tok=en');
    expect(tokenFromHeaders(undefined, 'next-auth.session-token=plain; __Secure-next-auth.session-token=secure')).toBe('secure');
  });

  it('finds nothing in unrelated headers', () => {
    expect(tokenFromHeaders('Basic dXNlcjpwYXNz', 'theme=dark')).toBeNull();
    expect(tokenFromHeaders(null, null)).toBeNull();
  });

  // Any page on the same host can plant cookies; one we do not own must never break sign-in.
  it('ignores malformed cookies that are not the session cookie', () => {
    const junk = 'x=%E0%A4; y=%; z=%zz; flag; =novalue';
    expect(() => tokenFromHeaders(null, junk)).not.toThrow();
    expect(tokenFromHeaders(null, junk)).toBeNull();
    expect(tokenFromHeaders(null, `${junk}; next-auth.session-token=tok%3Den`)).toBe('tok=en');
    expect(tokenFromHeaders(null, `next-auth.session-token=good; x=%E0%A4`)).toBe('good');
  });

  it('treats a malformed session cookie as no credential', () => {
    expect(tokenFromHeaders(null, 'next-auth.session-token=%E0%A4')).toBeNull();
    expect(tokenFromHeaders(null, 'next-auth.session-token=')).toBeNull();
    // A broken secure cookie does not hide a good plain one.
    expect(tokenFromHeaders(null, '__Secure-next-auth.session-token=%E0%A4; next-auth.session-token=plain')).toBe('plain');
  });

  it('takes the first of two cookies with the same name', () => {
    expect(tokenFromHeaders(null, 'next-auth.session-token=first; next-auth.session-token=second')).toBe('first');
  });

  it('keeps = signs inside a value and trims spaces around pairs', () => {
    expect(tokenFromHeaders(null, '  next-auth.session-token = a.b=c ;other=1')).toBe('a.b=c');
  });
});

describe('decodeSessionToken', () => {
  const secret = 'a test secret of enough length';
  // Only the secret is read from the runtime here.
  const useSecret = (NEXTAUTH_SECRET: string) => setRuntime({ env: { NEXTAUTH_SECRET } } as unknown as Parameters<typeof setRuntime>[0]);
  afterEach(() => useSecret(secret));

  it("reads what next-auth's encode wrote (our tokens and its session cookies), and nothing else", async () => {
    useSecret(secret);
    const claims = { sub: 'user-1', sid: 'session-1' };
    expect(await decodeSessionToken(await encodeSessionToken(claims))).toEqual(claims);
    // The browser's cookie, as next-auth itself writes it, with other claims beside ours.
    expect(await decodeSessionToken(await encode({ token: { ...claims, name: 'Ann' }, secret }))).toEqual(claims);
    // Expired (beyond next-auth's 15 s of clock tolerance), without our claims, under another secret, or not a token.
    expect(await decodeSessionToken(await encode({ token: claims, secret, maxAge: -60 }))).toBeNull();
    expect(await decodeSessionToken(await encode({ token: { sub: 'user-1' }, secret }))).toBeNull();
    expect(await decodeSessionToken(await encode({ token: claims, secret: 'another secret of enough length' }))).toBeNull();
    expect(await decodeSessionToken('not.a.token')).toBeNull();
    // The key follows the secret when it changes.
    const underOther = await encode({ token: claims, secret: 'another secret of enough length' });
    useSecret('another secret of enough length');
    expect(await decodeSessionToken(underOther)).toEqual(claims);
  });
});
