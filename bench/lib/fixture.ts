import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import pg from 'pg';
import { TEST_SECRET } from '../../tests/helpers/services';
import { api, connect, createUser, type TestUser, uniqueHandle } from '../../tests/helpers/clients';
import type { Profile } from './profile';
import { startRelay } from './servers';

// The people of the benchmark, made once through the API (sign-up, token, first message, accept, group
// invites) into a template database, then copied fresh for every scenario: password hashing makes
// thousands of sign-ups take many minutes, and no scenario should see another's messages. The tokens stay
// valid in every copy (the copy holds their device sessions).
export type Pair = { a: TestUser; b: TestUser; roomId: string };
export type Fixture = { template: string; pairs: Pair[]; group: { roomId: string; members: TestUser[] }; idle: TestUser[] };

const cacheDir = path.resolve(import.meta.dirname, '../.cache');

export async function adminQuery(databaseUrl: string, sql: string) {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const withDatabase = (databaseUrl: string, name: string) => Object.assign(new URL(databaseUrl), { pathname: `/${name}` }).href;

/** A fresh copy of the template under the profile's database name; returns its URL. */
export async function freshCopy(profile: Profile, fixture: Fixture): Promise<string> {
  const name = new URL(profile.databaseUrl).pathname.slice(1);
  await adminQuery(profile.databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(profile.databaseUrl, `CREATE DATABASE ${name} TEMPLATE ${fixture.template}`);
  return profile.databaseUrl;
}

/** (b)'s group grown to `size` members with the fixture's other users (the idle ones, then the pairs'). */
export function bigGroupMembers(fixture: Fixture, size: number): TestUser[] {
  const others = [...fixture.idle, ...fixture.pairs.flatMap((pair) => [pair.a, pair.b])];
  const members = [...fixture.group.members, ...others].slice(0, size);
  if (members.length < size) throw new Error(`the fixture holds ${members.length} users, not the ${size} a group of that size needs`);
  return members;
}

/**
 * A fresh copy in which (b)'s group has the members of `bigGroupMembers`, the joining ones written in as
 * accepted members. Ten thousand members through the API would take hours (each add tells every member);
 * the rows are what the API leaves for an accepted invite.
 */
export async function freshCopyWithBigGroup(profile: Profile, fixture: Fixture, size: number): Promise<string> {
  const databaseUrl = await freshCopy(profile, fixture);
  const joining = bigGroupMembers(fixture, size).slice(fixture.group.members.length);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO "RoomMember" ("roomId", "userId") SELECT $1, "id" FROM "User" WHERE "handle" = ANY($2::text[])`, [
      fixture.group.roomId,
      joining.map((user) => user.handle),
    ]);
  } finally {
    await client.end();
  }
  return databaseUrl;
}

async function inParallel<T>(count: number, concurrency: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      made[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return made;
}

export async function loadFixture(profile: Profile): Promise<Fixture> {
  const pairCount = Math.max(profile.pairs, profile.catchUpUsers);
  const loners = Math.max(0, profile.idleUsers - 2 * pairCount);
  const template = `relay_bench_tpl_${pairCount}_${profile.groupSize}_${loners}`;
  const cacheFile = path.join(cacheDir, `${template}.json`);
  const exists = await adminQuery(profile.databaseUrl, `SELECT 1 FROM pg_database WHERE datname = '${template}'`);
  if (existsSync(cacheFile) && exists.rowCount === 1) return JSON.parse(readFileSync(cacheFile, 'utf8'));

  console.log(`[fixture] building ${template}: ${pairCount} pairs, a group of ${profile.groupSize}, ${loners} more idle users (once; later runs copy it)`);
  await adminQuery(profile.databaseUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(profile.databaseUrl, `CREATE DATABASE ${template}`);
  const server = await startRelay({ port: profile.port + 99, databaseUrl: withDatabase(profile.databaseUrl, template) });
  try {
    let made = 0;
    const users = (prefix: string, count: number) =>
      inParallel(count, 8, async () => {
        const user = await createUser(server.url, prefix);
        if (++made % 500 === 0) console.log(`[fixture] ${made} users`);
        return user;
      });
    const pairUsers = await users('p', pairCount * 2);
    const groupUsers = await users('g', profile.groupSize);
    const idle = await idleUsers(withDatabase(profile.databaseUrl, template), pairUsers[0], loners);

    // Each pair: a's first message creates the conversation as a request; b accepts it.
    const pairs = await inParallel(pairCount, 16, async (index) => {
      const [a, b] = [pairUsers[2 * index], pairUsers[2 * index + 1]];
      const socket = await connect(server.url, { token: a.token });
      const first = await socket.timeout(30_000).emitWithAck('message:send', { to: b.handle, clientMsgId: 'hello', body: 'hello' });
      socket.close();
      if (!first.ok) throw new Error(`first message: ${first.error.message}`);
      const accepted = await api(server.url, `/api/v1/requests/${first.message.roomId}/accept`, { method: 'POST', token: b.token });
      if (accepted.status !== 200) throw new Error(`accept: ${JSON.stringify(accepted.body)}`);
      return { a, b, roomId: first.message.roomId as string };
    });

    // The group: strangers to its owner, so each is invited and accepts (as people would).
    const [owner, ...invitees] = groupUsers;
    const created = await api(server.url, '/api/v1/groups', { token: owner.token, body: { name: 'Bench group', members: invitees.slice(0, 99).map((user) => user.handle) } });
    if (created.status !== 201) throw new Error(`group: ${JSON.stringify(created.body)}`);
    const roomId: string = created.body.room.id;
    await inParallel(Math.max(0, invitees.length - 99), 4, async (index) => {
      const added = await api(server.url, `/api/v1/groups/${roomId}/users`, { token: owner.token, body: { handle: invitees[99 + index].handle } });
      if (added.status !== 201) throw new Error(`group add: ${JSON.stringify(added.body)}`);
    });
    await inParallel(invitees.length, 8, async (index) => {
      const accepted = await api(server.url, `/api/v1/invites/${roomId}/accept`, { method: 'POST', token: invitees[index].token });
      if (accepted.status !== 200) throw new Error(`invite accept: ${JSON.stringify(accepted.body)}`);
    });

    const fixture: Fixture = { template, pairs, group: { roomId, members: groupUsers }, idle };
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(fixture));
    return fixture;
  } finally {
    await server.stop();
  }
}

/**
 * The users who only hold a connection in (f): rows written straight into the template, with the
 * password hash of a user who signed up through the API, and a token for a device session of their own,
 * made the way server/auth/session-token.ts makes them. Their sockets authenticate exactly like the
 * others'; only 2 × 8,000 password hashings (half an hour on two shared cores) are skipped.
 */
async function idleUsers(databaseUrl: string, model: TestUser, count: number): Promise<TestUser[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT password FROM "User" WHERE handle = $1', [model.handle]);
    const made: TestUser[] = [];
    for (let start = 0; start < count; start += 500) {
      const batch = Array.from({ length: Math.min(500, count - start) }, () => ({ userId: randomUUID(), sessionId: randomUUID(), handle: uniqueHandle('i') }));
      await client.query(
        'INSERT INTO "User" (id, handle, "displayName", password) SELECT id, handle, handle, $3 FROM unnest($1::text[], $2::text[]) AS u(id, handle)',
        [batch.map((user) => user.userId), batch.map((user) => user.handle), rows[0].password],
      );
      await client.query(
        'INSERT INTO "DeviceSession" (id, "userId", kind, "userAgent") SELECT id, "userId", \'api\', \'relay-bench\' FROM unnest($1::text[], $2::text[]) AS s(id, "userId")',
        [batch.map((user) => user.sessionId), batch.map((user) => user.userId)],
      );
      for (const user of batch) {
        const token = await encode({ token: { sub: user.handle, sid: user.sessionId }, secret: TEST_SECRET, maxAge: 30 * 24 * 60 * 60 });
        made.push({ handle: user.handle, password: model.password, token });
      }
    }
    return made;
  } finally {
    await client.end();
  }
}
