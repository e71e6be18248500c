import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/schemas';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, collectMessages, connect, createUser, emitAck, type TestSocket, type TestUser } from '../helpers/clients';
import { startLocalS3 } from '../helpers/local-s3';
import { TEST_DATABASE_URL } from '../helpers/services';
import { waitFor } from '../helpers/wait';
import { createGroupAccepted } from '../helpers/social';

// Small, so the over-limit cases stay quick; the rule is the same at 25 MB.
const MAX_BYTES = 200_000;

/** Where a server keeps attachment bytes, and a way to list the keys it holds there. */
type Backend = { env: Record<string, string>; dataDir: string; storedKeys: () => Promise<string[]>; close: () => Promise<void> };

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

async function openBackend(kind: 'local' | 's3'): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-attach-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'local') {
    return { env: { DATA_DIR: dataDir }, dataDir, storedKeys: async () => filesUnder(path.join(dataDir, 'attachments', 'files')), close: removeDir };
  }
  const s3 = await startLocalS3();
  return {
    env: { DATA_DIR: dataDir, ...s3.env },
    dataDir,
    storedKeys: async () => (await s3.keys()).map((key) => key.replace(/^attachments\//, '')),
    close: async () => {
      await s3.close();
      await removeDir();
    },
  };
}

/** A PNG that says it is `width` × `height` but holds one row of pixels: its size, without the bytes of one. */
/** A GIF of `frames` frames of width × height that holds one pixel of data each: enough for its header to be read. */
function gifHeader(width: number, height: number, frames: number): Buffer {
  const le = (value: number) => [value & 0xff, value >> 8];
  const bytes = [...Buffer.from('GIF89a'), ...le(width), ...le(height), 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff];
  for (let frame = 0; frame < frames; frame++) bytes.push(0x2c, 0, 0, 0, 0, ...le(width), ...le(height), 0, 0x02, 0x02, 0x44, 0x01, 0x00);
  bytes.push(0x3b);
  return Buffer.from(bytes);
}

function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(1 + 3 * width))), chunk('IEND', Buffer.alloc(0))]);
}

const exifGps = (exif: Buffer) => exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

async function upload(app: AppServer, user: TestUser, roomId: string, bytes: Uint8Array, name: string, claimedType: string) {
  const form = new FormData();
  form.append('file', new Blob([Uint8Array.from(bytes)], { type: claimedType }), name);
  const response = await fetch(`${app.url}/api/v1/rooms/${roomId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

describe.each(['local', 's3'] as const)('attachments stored in %s', (kind) => {
  let backend: Backend;
  let server: AppServer;
  let db: pg.Client;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    backend = await openBackend(kind);
    server = await startAppServer({ ...backend.env, ATTACHMENT_MAX_BYTES: String(MAX_BYTES) });
    db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
    await db?.end();
    await backend?.close();
  });

  async function open(user: TestUser) {
    const socket = await connect(server.url, { token: user.token });
    sockets.push(socket);
    return socket;
  }

  const users = (...names: string[]) => Promise.all(names.map((name) => createUser(server.url, name)));

  async function group(owner: TestUser, members: TestUser[]): Promise<string> {
    // Strangers are invited and accept (group invites): everyone listed ends up a member.
    return createGroupAccepted(server.url, owner, 'files', members);
  }

  async function download(app: AppServer, user: TestUser, id: string, thumb = false) {
    const response = await fetch(`${app.url}/api/v1/attachments/${id}${thumb ? '?thumb=1' : ''}`, { headers: { authorization: `Bearer ${user.token}` } });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  const rowsIn = async (roomId: string) =>
    (await db.query<{ id: string }>('SELECT "id" FROM "Attachment" WHERE "roomId" = $1 ORDER BY "id"', [roomId])).rows.map((row) => row.id);

  it('keeps the type the bytes show, lets only members fetch a sent file, and delivers it live and through sync', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const roomId = await group(alice, [bob]);

    // A PNG named and claimed as a PDF; text claimed as a JPEG; bytes of no known type.
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#36c' } }).png().toBuffer();
    const text = Buffer.from('hello <script>alert(1)</script>\n');
    const binary = Buffer.concat([Buffer.alloc(16), randomBytes(4000)]);
    const uploads = await Promise.all([
      upload(server, alice, roomId, png, 'report.pdf', 'application/pdf'),
      upload(server, alice, roomId, text, 'photo.jpg', 'image/jpeg'),
      upload(server, alice, roomId, binary, '../../etc/passwd', 'text/html'),
    ]);
    expect(uploads.map((u) => u.status)).toEqual([201, 201, 201]);
    const [image, note, blob] = uploads.map((u) => u.body.attachment);
    expect(image).toMatchObject({ name: 'report.pdf', contentType: 'image/png', width: 40, height: 30 });
    expect(note).toEqual({ id: note.id, name: 'photo.jpg', size: text.length, contentType: 'text/plain' });
    expect(blob).toEqual({ id: blob.id, name: 'passwd', size: binary.length, contentType: 'application/octet-stream' });
    for (const { id } of [image, note, blob]) expect(id).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    // Before it is sent, only its uploader can fetch it.
    expect((await download(server, bob, note.id)).status).toBe(404);
    expect((await download(server, alice, note.id)).bytes.equals(text)).toBe(true);

    const aliceSocket = await open(alice);
    const bobSocket = await open(bob);
    const inbox = collectMessages(bobSocket);
    const sent = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'files-1', body: '', attachmentIds: [image.id, note.id, blob.id] });
    expect(sent).toMatchObject({ ok: true, message: { body: '', attachments: [image, note, blob] } });
    await waitFor(() => inbox.received.some((m) => m.id === sent.message.id), 10_000, 'the message live');
    const live = inbox.received.find((m) => m.id === sent.message.id)!;
    expect(live).toEqual(sent.message);

    // A retry of the same send returns the same message, with its files.
    const retry = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'files-1', body: '', attachmentIds: [image.id, note.id, blob.id] });
    expect(retry).toEqual({ ok: true, message: sent.message });

    // A client that was away gets the same message through room:sync, and every message carries the field.
    const sync = await emitAck(bobSocket, 'room:sync', { roomId, afterSeq: 0 });
    expect(sync.ok).toBe(true);
    expect(sync.messages.find((m: ChatMessage) => m.id === sent.message.id)).toEqual(live);
    expect(sync.messages.filter((m: ChatMessage) => m.kind === 'system').every((m: ChatMessage) => Array.isArray(m.attachments) && m.attachments.length === 0)).toBe(true);

    // A reply to a message of files only quotes their names, as the composer showed it.
    const reply = await emitAck(bobSocket, 'message:send', { roomId, clientMsgId: 'reply-files', body: 'got them', replyToId: sent.message.id });
    expect(reply).toMatchObject({ ok: true, message: { replyTo: { id: sent.message.id, excerpt: '📎 report.pdf, photo.jpg, passwd', deleted: false } } });

    // Now bob, a member, can fetch each; images inline, everything else as a download; never sniffed.
    const served = await download(server, bob, image.id);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toMatch(/^inline;/);
    const servedNote = await download(server, bob, note.id);
    expect(servedNote.bytes.equals(text)).toBe(true);
    expect(servedNote.headers.get('content-disposition')).toBe(`attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`);
    for (const response of [served, servedNote, await download(server, bob, blob.id)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
      expect(response.headers.get('cache-control')).toMatch(/^private/);
    }
    expect((await download(server, bob, blob.id)).bytes.equals(binary)).toBe(true);

    // Not a member: the same 404 as for no such attachment.
    for (const id of [image.id, note.id, 'AAAAAAAAAAAAAAAAAAAAAA']) {
      const response = await fetch(`${server.url}/api/v1/attachments/${id}`, { headers: { authorization: `Bearer ${carol.token}` } });
      expect(response.status).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
    expect((await download(server, carol, image.id, true)).status).toBe(404);
    expect((await upload(server, carol, roomId, text, 'x.txt', 'text/plain')).status).toBe(404);

    // A file is sent once, and only by its uploader; a message with neither text nor files is refused.
    const again = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'files-2', body: 'again', attachmentIds: [note.id] });
    expect(again).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const alicesNext = (await upload(server, alice, roomId, text, 'next.txt', 'text/plain')).body.attachment;
    const notBobs = await emitAck(bobSocket, 'message:send', { roomId, clientMsgId: 'steal', body: 'mine now', attachmentIds: [alicesNext.id] });
    expect(notBobs).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    // A message with a link takes the careful send path: the files are linked there too, in its transaction.
    const withLink = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'link', body: 'see https://example.com', attachmentIds: [alicesNext.id] });
    expect(withLink).toMatchObject({ ok: true, message: { attachments: [alicesNext] } });
    const linkAgain = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'link-2', body: 'https://example.com', attachmentIds: [alicesNext.id] });
    expect(linkAgain).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const empty = await emitAck(aliceSocket, 'message:send', { roomId, clientMsgId: 'empty', body: ' ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'bad_request', message: 'body: must not be empty' } });
    const history = (await api(server.url, `/api/v1/rooms/${roomId}/messages`, { token: alice.token })).body.messages as ChatMessage[];
    expect(history.map((m) => m.clientMsgId)).toEqual(expect.not.arrayContaining(['steal', 'files-2', 'link-2']));
    expect(history.find((m) => m.clientMsgId === 'link')!.attachments).toEqual([alicesNext]);

    // A removed member loses access to the room's files.
    expect((await api(server.url, `/api/v1/groups/${roomId}/users/${bob.handle}`, { method: 'DELETE', token: alice.token })).status).toBe(200);
    expect((await download(server, bob, image.id)).status).toBe(404);
    expect((await download(server, alice, image.id)).status).toBe(200);
  });

  it('names a file as its uploader did: quotes kept, line breaks dropped, a long name cut before its extension', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    const text = Buffer.from('minutes\n');
    // fetch's FormData, as browsers do, writes " as %22 and a line break as %0A in the part's header.
    const quoted = await upload(server, alice, roomId, text, 'minutes "final"\nv2.txt', 'text/plain');
    expect(quoted.body.attachment).toMatchObject({ name: 'minutes "final"v2.txt' });
    const mine = await download(server, alice, quoted.body.attachment.id);
    expect(mine.headers.get('content-disposition')).toBe(`attachment; filename="minutes _final_v2.txt"; filename*=UTF-8''minutes%20%22final%22v2.txt`);
    const long = await upload(server, alice, roomId, text, `${'notes '.repeat(50)}.txt`, 'text/plain');
    expect(long.body.attachment.name).toBe(`${'notes '.repeat(32)}note.txt`);
    expect(long.body.attachment.name).toHaveLength(200);
  });

  it('serves an image upright without its EXIF or GPS, and a small webp thumbnail', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c33' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'relay-exif-marker' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const original = await sharp(photo).metadata();
    expect(original.orientation).toBe(6);
    expect(exifGps(original.exif!)).toBe(true);

    const uploaded = await upload(server, alice, roomId, photo, 'holiday.jpg', 'image/jpeg');
    expect(uploaded.status).toBe(201);
    // Turned upright as the camera meant: 600 wide, 800 high.
    expect(uploaded.body.attachment).toMatchObject({ name: 'holiday.jpg', contentType: 'image/jpeg', width: 600, height: 800 });
    const { id } = uploaded.body.attachment;
    const sent = await emitAck(await open(alice), 'message:send', { roomId, clientMsgId: 'photo', body: 'look', attachmentIds: [id] });
    expect(sent.ok).toBe(true);

    const served = await download(server, bob, id);
    expect(served.status).toBe(200);
    expect(served.bytes.length).toBe(uploaded.body.attachment.size);
    const meta = await sharp(served.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif, orientation: meta.orientation }).toEqual({
      format: 'jpeg', width: 600, height: 800, exif: undefined, orientation: undefined,
    });
    expect(served.bytes.includes('relay-exif-marker')).toBe(false);

    const thumb = await download(server, bob, id, true);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const thumbMeta = await sharp(thumb.bytes).metadata();
    expect({ format: thumbMeta.format, width: thumbMeta.width, height: thumbMeta.height, exif: thumbMeta.exif }).toEqual({
      format: 'webp', width: 240, height: 320, exif: undefined,
    });

    // Files other than images have no thumbnail.
    const note = (await upload(server, alice, roomId, Buffer.from('plain words\n'), 'a.txt', 'text/plain')).body.attachment;
    expect((await download(server, alice, note.id, true)).status).toBe(404);
  });

  it('gives a long thin picture a thumbnail cropped from its middle, not a line a pixel high', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    const strip = await sharp({ create: { width: 2000, height: 10, channels: 3, background: '#3366cc' } }).png().toBuffer();
    const uploaded = await upload(server, alice, roomId, strip, 'strip.png', 'image/png');
    expect(uploaded.body.attachment).toMatchObject({ width: 2000, height: 10 });
    const thumb = await download(server, alice, uploaded.body.attachment.id, true);
    const meta = await sharp(thumb.bytes).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 320, height: 10 });
  });

  it('says an image of too many pixels is too large, in megapixels, rather than that it could not be read', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    // A PNG whose header says 10,000 × 6,000: the size is refused before any pixel is decoded.
    const big = pngHeader(10_000, 6_000);
    const refused = await upload(server, alice, roomId, big, 'panorama.png', 'image/png');
    expect(refused).toMatchObject({ status: 413, body: { error: { code: 'too_large', message: 'Images can be at most 50 megapixels; this one is 60.' } } });
    // Past sharp's own default limit (268 million), whose header it would not even read.
    for (const [file, body] of [['huge.png', pngHeader(17_000, 17_000)], ['huge.gif', gifHeader(17_000, 17_000, 1)]] as const) {
      const tooBig = await upload(server, alice, roomId, body, file, 'image/png');
      expect(tooBig, file).toMatchObject({ status: 413, body: { error: { code: 'too_large', message: 'Images can be at most 50 megapixels; this one is 289.' } } });
    }
    const form = new FormData();
    form.append('file', new Blob([Uint8Array.from(pngHeader(17_000, 17_000))], { type: 'image/png' }), 'me.png');
    const asAvatar = await fetch(`${server.url}/api/v1/me/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${alice.token}` }, body: form });
    expect({ status: asAvatar.status, body: await asAvatar.json() }).toMatchObject({
      status: 413,
      body: { error: { code: 'too_large', message: 'Images can be at most 50 megapixels; this one is 289.' } },
    });
  });

  it('takes an animation whose frames together hold more pixels than one image may, up to the animation limit', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    // 52 frames of 1,000 × 1,000: 52 megapixels in all, each frame well within 50.
    const [width, height, frames] = [1000, 1000, 52];
    const pixels = Buffer.alloc(width * height * frames * 3);
    for (let frame = 0; frame < frames; frame++) pixels.fill(frame % 2 ? 0x33 : 0xcc, frame * width * height * 3, (frame + 1) * width * height * 3);
    const clip = await sharp(pixels, { raw: { width, height: height * frames, channels: 3, pageHeight: height } }).gif({ colours: 2, effort: 1, dither: 0 }).toBuffer();
    const taken = await upload(server, alice, roomId, clip, 'clip.gif', 'image/gif');
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    expect(taken.body.attachment).toMatchObject({ contentType: 'image/gif', width, height });
    expect((await sharp((await download(server, alice, taken.body.attachment.id)).bytes).metadata()).pages).toBe(frames);

    // 9 frames of 5,000 × 5,000 (225 megapixels in all): refused from the header, nothing decoded.
    const long = await upload(server, alice, roomId, gifHeader(5_000, 5_000, 9), 'long.gif', 'image/gif');
    expect(long).toMatchObject({
      status: 413,
      body: { error: { code: 'too_large', message: 'Animations can be at most 200 megapixels in all their frames together; this one has 9 frames, 225 megapixels in all.' } },
    });
  });

  it('refuses an upload over ATTACHMENT_MAX_BYTES with 413 while it streams, and an empty file with 400, and keeps nothing of either', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const roomId = await group(alice, [bob]);
    const keysBefore = await backend.storedKeys();

    // Declared length over the limit: refused before reading.
    const declared = await upload(server, alice, roomId, randomBytes(MAX_BYTES + 1), 'big.bin', 'application/octet-stream');
    expect(declared).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });

    // No declared length (chunked): counted as it streams, and refused once past the limit.
    const boundary = `relay${randomBytes(8).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\nContent-Type: text/plain\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let sentBytes = 0;
    const chunks = (function* () {
      yield head;
      // Well past the limit, yet within what the server reads and drops so that it can answer with a 413.
      for (; sentBytes < MAX_BYTES * 2.5; sentBytes += 16_384) yield randomBytes(16_384);
      yield tail;
    })();
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    });
    const streamed = await fetch(`${server.url}/api/v1/rooms/${roomId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe('too_large');

    // An empty file is nothing to send: refused in words, before anything is stored.
    const empty = await upload(server, alice, roomId, Buffer.alloc(0), 'empty.txt', 'text/plain');
    expect(empty).toMatchObject({ status: 400, body: { error: { code: 'bad_request', message: 'The file is empty.' } } });

    // Exactly the limit is fine: the count is of the file's bytes, not the envelope's.
    const atLimit = await upload(server, alice, roomId, Buffer.alloc(MAX_BYTES, 0x61), 'limit.txt', 'text/plain');
    expect(atLimit.status).toBe(201);
    expect(atLimit.body.attachment.size).toBe(MAX_BYTES);

    expect(await rowsIn(roomId)).toEqual([atLimit.body.attachment.id]);
    expect((await backend.storedKeys()).filter((key) => !keysBefore.includes(key))).toEqual([atLimit.body.attachment.id]);
    expect(filesUnder(path.join(backend.dataDir, 'attachments', 'incoming'))).toEqual([]);
  });

  it('removes an attachment not sent within ATTACHMENT_UNSENT_TTL_MS, rows and bytes, and keeps sent ones', async () => {
    // A second node with a short TTL, sharing the database and storage.
    const sweeping = await startAppServer({ ...backend.env, ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ATTACHMENT_UNSENT_TTL_MS: '1500' });
    try {
      const [alice, bob] = await users('alice', 'bob');
      const roomId = await group(alice, [bob]);
      const picture = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#3c3' } }).webp().toBuffer();
      const [unsent, kept] = await Promise.all([
        upload(sweeping, alice, roomId, picture, 'forgotten.webp', 'image/webp'),
        upload(sweeping, alice, roomId, picture, 'kept.webp', 'image/webp'),
      ]).then((results) => results.map((result) => result.body.attachment));
      const sent = await emitAck(await open(alice), 'message:send', { roomId, clientMsgId: 'kept', body: '', attachmentIds: [kept.id] });
      expect(sent.ok).toBe(true);
      expect(await backend.storedKeys()).toEqual(expect.arrayContaining([unsent.id, `${unsent.id}.thumb`, kept.id, `${kept.id}.thumb`]));

      // The row goes first, then the bytes.
      await waitFor(async () => !(await rowsIn(roomId)).includes(unsent.id), 20_000, 'the unsent attachment row to be swept');
      await waitFor(async () => !(await backend.storedKeys()).includes(unsent.id), 10_000, 'the unsent attachment bytes to be swept');
      expect(await rowsIn(roomId)).toEqual([kept.id]);
      const keys = await backend.storedKeys();
      expect(keys).not.toContain(unsent.id);
      expect(keys).not.toContain(`${unsent.id}.thumb`);
      expect(keys).toEqual(expect.arrayContaining([kept.id, `${kept.id}.thumb`]));
      expect((await download(sweeping, bob, kept.id)).status).toBe(200);
      expect((await download(sweeping, alice, unsent.id)).status).toBe(404);
      // Too late to send it now.
      const late = await emitAck(await open(alice), 'message:send', { roomId, clientMsgId: 'late', body: '', attachmentIds: [unsent.id] });
      expect(late).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    } finally {
      await sweeping.stop();
    }
  });
});

describe('upload limit', () => {
  let backend: Backend;
  let server: AppServer;

  beforeAll(async () => {
    backend = await openBackend('local');
    server = await startAppServer({ ...backend.env, RATE_UPLOAD_PER_MIN: '1', RATE_UPLOAD_BURST: '2' });
  });

  afterAll(async () => {
    await server?.stop();
    await backend?.close();
  });

  it('refuses uploads past RATE_UPLOAD_BURST with 429 rate_limited, per user, keeping nothing of the refused one', async () => {
    const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
    const roomId = await createGroupAccepted(server.url, alice, 'files', [bob]);
    const text = (index: number) => new TextEncoder().encode(`notes ${index}`);
    for (const index of [1, 2]) expect((await upload(server, alice, roomId, text(index), `notes-${index}.txt`, 'text/plain')).status).toBe(201);
    const stored = await backend.storedKeys();

    const refused = await upload(server, alice, roomId, text(3), 'notes-3.txt', 'text/plain');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/uploading too many files/i) });
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(refused.body.error.retryAfterMs / 1000));
    expect(await backend.storedKeys()).toEqual(stored);
    // A profile picture is an upload too.
    const picture = new FormData();
    picture.append('file', new Blob([Uint8Array.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#36c' } }).png().toBuffer())], { type: 'image/png' }), 'me.png');
    const avatar = await fetch(`${server.url}/api/v1/me/avatar`, { method: 'PUT', headers: { authorization: `Bearer ${alice.token}` }, body: picture });
    expect(avatar.status).toBe(429);
    expect(((await avatar.json()) as any).error.code).toBe('rate_limited');
    // Bob's bucket is his own.
    expect((await upload(server, bob, roomId, text(4), 'notes-4.txt', 'text/plain')).status).toBe(201);
  });
});
