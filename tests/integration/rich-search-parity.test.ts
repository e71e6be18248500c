import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, startAppServer } from '../helpers/app-server';
import { api, connect, createUser, type TestSocket } from '../helpers/clients';
import { createGroup, ok } from '../helpers/rich';

// The same conversation stored on Postgres and on the embedded PGlite: search must answer the same.
const dataDir = mkdtempSync(path.join(tmpdir(), 'relay-rich-embedded-'));
let postgres: AppServer;
let embedded: AppServer;
const sockets: TestSocket[] = [];

const BODIES = [
  'The red boat left the harbour at dawn',
  'Ships were running late because of the storm',
  'A storm over the harbour, no ships today',
  'red boats, red sails, a red harbour',
  'Meeting about the harbour fees on Monday',
  'the fees are running high; boats are leaving',
  'Nothing to see here',
  "O'Brien's boat & the harbour (again) :* <->",
  // Written without spaces between words: the parser takes each run as one word.
  '明日は東京で会議があります。東京駅に九時',
  '東京タワーの写真',
  '今日は大阪です',
];
const QUERIES = ['harbour', 'boat', 'ship -storm', '"red boat"', 'fees or storm', 'running', "O'Brien & harbour", 'nothing matches this', '東京', '東京 会議', '100%_東'];

beforeAll(async () => {
  // One after the other: two cold starts at once can outlast the start timeout on a busy machine.
  // A fresh PGlite initialises its files first: slow on a loaded machine.
  embedded = await startAppServer({ DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir }, { startTimeoutMs: 170_000 });
  postgres = await startAppServer();
}, 240_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await Promise.all([postgres?.stop(), embedded?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Stores the conversation on one server and returns, per query, what search answers (bodies, highlighted words). */
async function searchResults(server: AppServer) {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((name) => createUser(server.url, name)));
  const roomId = await createGroup(server.url, alice, [bob]);
  const socket = await connect(server.url, { token: alice.token });
  sockets.push(socket);
  for (const [index, body] of BODIES.entries()) await ok(socket, 'message:send', { roomId, clientMsgId: `p-${index}`, body });
  const answers: Record<string, unknown> = {};
  for (const q of QUERIES) {
    const reply = await api(server.url, `/api/v1/search?${new URLSearchParams({ q })}`, { token: bob.token });
    expect(reply.status, q).toBe(200);
    answers[q] = reply.body.results.map((result: { message: { body: string }; highlights: { start: number; end: number }[] }) => ({
      body: result.message.body,
      words: result.highlights.map(({ start, end }) => result.message.body.slice(start, end)),
    }));
  }
  // Page by page, two at a time, each from the cursor of the page before: the same results in the same order.
  for (const q of ['harbour', '東京']) {
    const bodies: string[] = [];
    let cursor: string | undefined;
    do {
      const reply = await api(server.url, `/api/v1/search?${new URLSearchParams({ q, limit: '2', ...(cursor ? { cursor } : {}) })}`, { token: bob.token });
      expect(reply.status, q).toBe(200);
      bodies.push(...reply.body.results.map((result: { message: { body: string } }) => result.message.body));
      cursor = reply.body.nextCursor;
    } while (cursor);
    answers[`${q} in pages`] = bodies;
  }
  return answers;
}

describe('search on Postgres and on the embedded database', () => {
  it('ranks, filters and highlights the same way on both', async () => {
    const [onPostgres, onEmbedded] = await Promise.all([searchResults(postgres), searchResults(embedded)]);
    expect(onEmbedded).toEqual(onPostgres);
    // And the answers are real ones: stemmed, ranked, negation honoured, phrases kept.
    expect(onPostgres['boat']).toContainEqual({ body: 'red boats, red sails, a red harbour', words: ['boats'] });
    expect((onPostgres['ship -storm'] as { body: string }[]).map((hit) => hit.body)).toEqual([]);
    expect((onPostgres['"red boat"'] as { body: string }[]).map((hit) => hit.body).sort()).toEqual(['The red boat left the harbour at dawn', 'red boats, red sails, a red harbour']);
    expect((onPostgres['harbour'] as unknown[]).length).toBe(5);
    expect(onPostgres['nothing matches this']).toEqual([]);
    // Words of a script written without spaces are found inside the text, every term, newest first.
    expect(onPostgres['東京']).toEqual([
      { body: '東京タワーの写真', words: ['東京'] },
      { body: '明日は東京で会議があります。東京駅に九時', words: ['東京', '東京'] },
    ]);
    expect(onPostgres['東京 会議']).toEqual([{ body: '明日は東京で会議があります。東京駅に九時', words: ['東京', '会議', '東京'] }]);
    // LIKE's wildcards are plain text in a query.
    expect(onPostgres['100%_東']).toEqual([]);
    for (const q of ['harbour', '東京']) expect(onPostgres[`${q} in pages`], q).toEqual((onPostgres[q] as { body: string }[]).map((hit) => hit.body));
  }, 120_000);
});
