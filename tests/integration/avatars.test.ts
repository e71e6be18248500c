import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublicUser } from '@/lib/schemas';
import { grantAdmin } from '../helpers/admin-cli';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, browserSignIn, connect, createUser, type TestSocket, type TestUser } from '../helpers/clients';
import { startLocalS3 } from '../helpers/local-s3';
import { acquaint, collect } from '../helpers/social';
import { waitFor } from '../helpers/wait';

// Small, so the over-limit case stays quick; the rule is the same at 5 MB.
const MAX_BYTES = 100_000;

type Backend = { env: Record<string, string>; storedKeys: () => Promise<string[]>; close: () => Promise<void> };

async function openBackend(kind: 'local' | 's3'): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-avatar-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'local') {
    const files = path.join(dataDir, 'attachments', 'files');
    const storedKeys = async () => (existsSync(files) ? readdirSync(files, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name) : []);
    return { env: { DATA_DIR: dataDir }, storedKeys, close: removeDir };
  }
  const s3 = await startLocalS3();
  return {
    env: { DATA_DIR: dataDir, ...s3.env },
    storedKeys: async () => (await s3.keys()).map((key) => key.replace(/^attachments\//, '')),
    close: async () => {
      await s3.close();
      await removeDir();
    },
  };
}

const solid = (width: number, height: number, colour: string) => sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();

/** The colour at (x, y) of an image, as [r, g, b]. */
async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + 3)];
}

const near = (actual: number[], expected: number[]) => actual.every((value, index) => Math.abs(value - expected[index]) < 24);

describe.each(['local', 's3'] as const)('profile pictures stored in %s', (kind) => {
  let backend: Backend;
  let server: AppServer;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    backend = await openBackend(kind);
    server = await startAppServer({ ...backend.env, AVATAR_MAX_BYTES: String(MAX_BYTES) });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
    await backend?.close();
  });

  async function open(user: TestUser) {
    const socket = await connect(server.url, { token: user.token });
    sockets.push(socket);
    return socket;
  }

  async function putAvatar(user: { token?: string; cookie?: string; origin?: string }, bytes: Uint8Array, name = 'me.png', claimedType = 'image/png') {
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(bytes)], { type: claimedType }), name);
    const headers: Record<string, string> = {};
    if (user.token) headers.authorization = `Bearer ${user.token}`;
    if (user.cookie) headers.cookie = user.cookie;
    if (user.origin) headers.origin = user.origin;
    const response = await fetch(`${server.url}/api/v1/me/avatar`, { method: 'PUT', headers, body: form });
    return { status: response.status, body: await response.json() };
  }

  async function getAvatar(user: TestUser | null, url: string) {
    const response = await fetch(server.url + url, { headers: user ? { authorization: `Bearer ${user.token}` } : {} });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  const avatarKeys = async () => (await backend.storedKeys()).filter((key) => key.endsWith('.avatar'));

  it('makes an upload a 256 × 256 WebP, served versioned and cacheable for good to anyone signed in', async () => {
    const [alice, carol] = await Promise.all([createUser(server.url, 'alice', 'Alice'), createUser(server.url, 'carol')]);
    // A PNG named and claimed as something else: the bytes decide.
    const reply = await putAvatar(alice, await solid(400, 300, '#36c'), 'holiday.txt', 'text/plain');
    expect(reply.status).toBe(200);
    const user: PublicUser = reply.body.user;
    expect(user).toEqual({ handle: alice.handle, displayName: 'Alice', avatarUrl: expect.stringMatching(new RegExp(`^/api/v1/users/${alice.handle}/avatar\\?v=[\\w-]+$`)) });
    // GET /me says the same.
    expect((await api(server.url, '/api/v1/me', { token: alice.token })).body.user).toEqual(user);

    // Carol shares no conversation with Alice: pictures go where names go, to anyone signed in.
    const served = await getAvatar(carol, user.avatarUrl!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    // Its own policy, as a served file's: the pages' (which allows scripts) is not put over it.
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const meta = await sharp(served.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width: 256, height: 256 });
    expect(near(await pixel(served.bytes, 128, 128), [0x33, 0x66, 0xcc])).toBe(true);

    // Without a version: the current picture, looked at again each time.
    const current = await getAvatar(carol, `/api/v1/users/${alice.handle}/avatar`);
    expect(current.status).toBe(200);
    expect(current.headers.get('cache-control')).toBe('private, no-cache');
    expect(current.bytes.equals(served.bytes)).toBe(true);
  });

  it('turns a photo upright by its EXIF orientation and keeps no metadata; of a GIF, the first frame', async () => {
    const alice = await createUser(server.url, 'alice');
    // Stored 60 × 30, red left, blue right, to be shown turned a quarter clockwise: red on top.
    const red = await solid(30, 30, '#f00');
    const photo = await sharp({ create: { width: 60, height: 30, channels: 3, background: '#00f' } })
      .composite([{ input: red, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const upright = await putAvatar(alice, photo, 'photo.jpg', 'image/jpeg');
    expect(upright.status).toBe(200);
    const picture = (await getAvatar(alice, upright.body.user.avatarUrl)).bytes;
    expect(near(await pixel(picture, 128, 5), [255, 0, 0])).toBe(true);
    expect(near(await pixel(picture, 128, 250), [0, 0, 255])).toBe(true);
    const meta = await sharp(picture).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();

    const gif = await sharp([await solid(40, 30, '#f00'), await solid(40, 30, '#00f')], { join: { animated: true } }).gif().toBuffer();
    const animated = await putAvatar(alice, gif, 'wave.gif', 'image/gif');
    expect(animated.status).toBe(200);
    const frame = (await getAvatar(alice, animated.body.user.avatarUrl)).bytes;
    const frameMeta = await sharp(frame, { animated: true }).metadata();
    expect({ width: frameMeta.width, height: frameMeta.height, pages: frameMeta.pages ?? 1 }).toEqual({ width: 256, height: 256, pages: 1 });
    expect(near(await pixel(frame, 128, 128), [255, 0, 0])).toBe(true);
  });

  it('refuses what is not a picture (415), too large (413), empty (400) and anonymous callers (401), keeping nothing', async () => {
    const alice = await createUser(server.url, 'alice');
    const before = await avatarKeys();

    const text = await putAvatar(alice, Buffer.from('definitely not a picture\n'), 'me.png', 'image/png');
    expect(text.status).toBe(415);
    expect(text.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('PNG, JPEG, WebP or GIF') });
    const svg = await putAvatar(alice, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'me.svg', 'image/svg+xml');
    expect(svg.status).toBe(415);

    // Noise does not compress: a PNG well past the limit.
    const noise = await sharp(Buffer.from(Array.from({ length: 300 * 300 * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width: 300, height: 300, channels: 3 } }).png().toBuffer();
    expect(noise.length).toBeGreaterThan(MAX_BYTES);
    const large = await putAvatar(alice, noise);
    expect(large.status).toBe(413);
    expect(large.body.error).toMatchObject({ code: 'too_large', maxBytes: MAX_BYTES });

    const empty = await putAvatar(alice, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatchObject({ code: 'bad_request', message: 'The file is empty.' });

    const anonymous = await putAvatar({}, await solid(10, 10, '#000'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');
    expect((await getAvatar(null, `/api/v1/users/${alice.handle}/avatar`)).status).toBe(401);

    expect((await api(server.url, '/api/v1/me', { token: alice.token })).body.user.avatarUrl).toBeNull();
    expect(await avatarKeys()).toEqual(before);
    // A user without a picture, and no such user: 404.
    expect((await getAvatar(alice, `/api/v1/users/${alice.handle}/avatar`)).status).toBe(404);
    expect((await getAvatar(alice, '/api/v1/users/nobody_at_all/avatar?v=x')).status).toBe(404);
  });

  it('takes a browser upload only from the app itself, like every cookie-authenticated write', async () => {
    const alice = await createUser(server.url, 'alice');
    const { sessionCookie } = await browserSignIn(server.url, alice);
    const png = await solid(20, 20, '#0a0');
    const crossSite = await putAvatar({ cookie: sessionCookie!, origin: 'http://evil.localhost:4444' }, png);
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.error.code).toBe('forbidden');
    expect((await putAvatar({ cookie: sessionCookie!, origin: server.url }, png)).status).toBe(200);
  });

  it('shows a new picture to the people Alice talks with, live and in their room list; removing it takes it away', async () => {
    const [alice, bob] = await Promise.all([createUser(server.url, 'alice', 'Alice'), createUser(server.url, 'bob')]);
    await acquaint(server.url, alice, bob);
    const bobSocket = await open(bob);
    const updates = collect<PublicUser>(bobSocket, 'user:updated');

    const first = await putAvatar(alice, await solid(64, 64, '#f00'));
    const firstUrl: string = first.body.user.avatarUrl;
    await waitFor(() => updates.some((user) => user.avatarUrl === firstUrl), 5000, 'bob told of the picture');
    expect(updates.at(-1)).toEqual({ handle: alice.handle, displayName: 'Alice', avatarUrl: firstUrl });
    const rooms = (await api(server.url, '/api/v1/rooms', { token: bob.token })).body.rooms;
    const member = rooms.flatMap((room: { members: PublicUser[] }) => room.members).find((m: PublicUser) => m.handle === alice.handle);
    expect(member.avatarUrl).toBe(firstUrl);

    // A second picture: the first URL names the first picture only, so it is gone (404), never the new one.
    const second = await putAvatar(alice, await solid(64, 64, '#00f'));
    const secondUrl: string = second.body.user.avatarUrl;
    expect(secondUrl).not.toBe(firstUrl);
    await waitFor(() => updates.some((user) => user.avatarUrl === secondUrl), 5000, 'bob told of the second picture');
    expect((await getAvatar(bob, firstUrl)).status).toBe(404);
    const served = await getAvatar(bob, secondUrl);
    expect(near(await pixel(served.bytes, 10, 10), [0, 0, 255])).toBe(true);
    expect(await avatarKeys()).toContain(`${new URL(secondUrl, server.url).searchParams.get('v')}.avatar`);
    expect(await avatarKeys()).not.toContain(`${new URL(firstUrl, server.url).searchParams.get('v')}.avatar`);

    const removed = await fetch(`${server.url}/api/v1/me/avatar`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(removed.status).toBe(200);
    expect((await removed.json()).user).toEqual({ handle: alice.handle, displayName: 'Alice', avatarUrl: null });
    await waitFor(() => updates.at(-1)?.avatarUrl === null, 5000, 'bob told the picture is gone');
    expect((await getAvatar(bob, secondUrl)).status).toBe(404);
    expect((await getAvatar(bob, `/api/v1/users/${alice.handle}/avatar`)).status).toBe(404);
    expect(await avatarKeys()).not.toContain(`${new URL(secondUrl, server.url).searchParams.get('v')}.avatar`);
    // Removing none is not an error.
    const again = await fetch(`${server.url}/api/v1/me/avatar`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(again.status).toBe(200);
  });

  it("follows the visibility policy: a banned account's picture is served to nobody (404, as for no picture); a suspended one's still is", async () => {
    const [alice, carol, moderator] = await Promise.all([createUser(server.url, 'alice'), createUser(server.url, 'carol'), createUser(server.url, 'mod')]);
    await grantAdmin(moderator.handle);
    const avatarUrl: string = (await putAvatar(alice, await solid(32, 32, '#963'))).body.user.avatarUrl;
    const urls = [avatarUrl, `/api/v1/users/${alice.handle}/avatar`];
    const moderate = async (action: string, body: Record<string, unknown>) =>
      expect((await api(server.url, `/api/v1/admin/users/${alice.handle}/${action}`, { token: moderator.token, body: { reason: 'test', ...body } })).status).toBe(200);
    const statuses = async () => Promise.all(urls.map(async (url) => (await getAvatar(carol, url)).status));

    // A suspension is for a while and hides nothing of the account (people search still finds it).
    await moderate('suspend', { durationMs: 3_600_000 });
    expect(await statuses()).toEqual([200, 200]);
    // A ban takes the account out of sight: search leaves it out, and its picture too.
    await moderate('ban', {});
    const banned = await getAvatar(carol, avatarUrl);
    expect(banned.status).toBe(404);
    expect(JSON.parse(banned.bytes.toString())).toEqual({ error: { code: 'not_found', message: 'No such picture.' } });
    expect(await statuses()).toEqual([404, 404]);
    await moderate('restore', {});
    expect(await statuses()).toEqual([200, 200]);
  });
});
