// The baseline: a bare Socket.IO server relaying Relay's events with none of Relay's work (no auth, no
// storage; Redis only when REDIS_URL is set, for the two-node scenario). The handshake names the user
// (`auth: { user, rooms }`). A direct room id `dm:<a>:<b>` names its two members: messages and receipts
// go to their per-user rooms, as Relay's do. A group (`grp:<id>`) is a Socket.IO room joined at connect,
// and a message to it is one room broadcast. Prints `ready <port>`; GET /stats gives its memory.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';

const userRoom = (handle: string) => `user:${handle}`;
const isGroup = (roomId: string) => roomId.startsWith('grp:');
const dmMembers = (roomId: string) => roomId.split(':').slice(1);

const http = createServer((request, response) => {
  if (request.url !== '/stats') return void response.writeHead(404).end();
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ ...process.memoryUsage(), connections: io.engine.clientsCount }));
});
const io = new Server(http, { maxHttpBufferSize: 64 * 1024 });
let redis: Redis | null = null;
if (process.env.REDIS_URL) {
  redis = new Redis(process.env.REDIS_URL);
  io.adapter(createAdapter(redis, redis.duplicate(), { key: process.env.BARE_REDIS_KEY ?? 'bare' }));
}

// Per-room counters, like Relay's seq (per node: good enough for a relay that stores nothing).
const seqs = new Map<string, number>();
let nextId = 0;
// A group's senders by seq, and each reader's last reported cursor, so that a group receipt goes only to
// the senders of the messages it newly covers, as Relay does in a big group (RECEIPTS_TO_ALL_MAX_MEMBERS).
const groupSenders = new Map<string, string[]>();
const cursors = new Map<string, number>();

type Ack = (reply: unknown) => void;
type Send = { roomId: string; clientMsgId: string; body: string };
type Cursor = { roomId: string; seq: number };

io.on('connection', (socket: Socket) => {
  const { user, rooms } = socket.handshake.auth as { user?: string; rooms?: string[] };
  if (typeof user !== 'string') return void socket.disconnect(true);
  void socket.join([userRoom(user), ...(rooms ?? [])]);

  socket.on('message:send', ({ roomId, clientMsgId, body }: Send, ack: Ack) => {
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    if (isGroup(roomId)) {
      const senders = groupSenders.get(roomId) ?? [];
      senders[seq] = user;
      groupSenders.set(roomId, senders);
    }
    const message = { id: `b${nextId++}`, roomId, seq, clientMsgId, sender: user, body, kind: 'text', createdAt: new Date().toISOString() };
    io.to(isGroup(roomId) ? roomId : dmMembers(roomId).map(userRoom)).emit('message:new', { message });
    ack({ ok: true, message });
  });
  const receipt = (kind: 'delivered' | 'read') => ({ roomId, seq }: Cursor, ack: Ack) => {
    const payload = { roomId, reader: user, seq, kind };
    if (isGroup(roomId)) {
      const key = `${roomId}\n${user}\n${kind}`;
      const from = cursors.get(key) ?? 0;
      if (seq > from) {
        cursors.set(key, seq);
        const told = new Set((groupSenders.get(roomId) ?? []).slice(from + 1, seq + 1).filter((sender) => sender && sender !== user));
        if (told.size > 0) io.to([...told].map(userRoom)).emit('receipt', payload);
      }
    } else io.to(dmMembers(roomId).filter((member) => member !== user).map(userRoom)).emit('receipt', payload);
    ack({ ok: true });
  };
  socket.on('room:delivered', receipt('delivered'));
  socket.on('room:read', receipt('read'));
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = http.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
  redis?.disconnect();
  process.exit(0);
});
