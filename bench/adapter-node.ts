// One Socket.io node for bench/redis-adapter.ts: the classic or sharded Redis adapter, per-user
// rooms like the app's, and a control event that makes this node emit a burst to user rooms.
import { createServer } from 'node:http';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';

const kind = process.env.ADAPTER === 'sharded' ? 'sharded' : 'classic';
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sub = pub.duplicate();
const http = createServer();
const io = new Server(http);
const key = `relay-bench-${process.env.RUN_ID}`;
io.adapter(kind === 'sharded' ? createShardedAdapter(pub, sub, { channelPrefix: key }) : createAdapter(pub, sub, { key }));

const payload = 'x'.repeat(300);
io.on('connection', (socket) => {
  const user = socket.handshake.auth.user;
  if (typeof user === 'string') socket.join(`user:${user}`);
  socket.on('bench:fire', ({ users, count }: { users: string[]; count: number }, done: () => void) => {
    for (let index = 0; index < count; index += 1) {
      io.to(`user:${users[index % users.length]}`).emit('message:new', { sentAt: Date.now(), payload });
    }
    done();
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(`ready ${typeof address === 'object' && address ? address.port : 0}`);
});
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
