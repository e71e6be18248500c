import { userRoom } from '@/lib/realtime/contract';
import type { PrismaClient } from '../db/generated/client';
import type { RealtimeIo } from './create-realtime-server';
import { log } from '../ops/logger';

// A room's lastMessageAt is its transaction's start (now()), which can be this long before its commit
// (a group-commit batch times out at 20 s): rooms are looked at again for this long after, so a
// commit that becomes visible late is still announced.
const COMMIT_SLACK_MS = 30_000;

/**
 * The room heartbeat: every beat, each node tells its own connected users the newest seq of their
 * conversations that moved lately (`room:advanced`). A client that holds less syncs. This is what makes
 * an acknowledged message reach connected members even when its live push was lost: Redis restarting
 * between commit and push, or the node dying there. It is emitted to this node's sockets only, so it
 * needs neither Redis nor the node that stored the message. Cost: one query per beat per node.
 */
export function startRoomHeartbeat(io: RealtimeIo, db: PrismaClient, beatMs: number): () => void {
  // In ms on the database's clock (the wall time lastMessageAt is written in), so nodes' clocks do not
  // matter. Starts a slack back: whatever a dead node committed just before this one started is announced.
  let since: number | null = null;
  let running = false;
  const beat = async () => {
    if (running) return;
    running = true;
    try {
      const [{ now }] = await db.$queryRaw<{ now: number }[]>`SELECT (extract(epoch FROM localtimestamp) * 1000)::float8 AS now`;
      const from = (since ?? now) - COMMIT_SLACK_MS;
      const users = [...new Set([...io.of('/').sockets.values()].map((socket) => socket.data.actor?.userId).filter(Boolean))];
      if (users.length > 0) {
        const rows = await db.$queryRaw<{ userId: string; roomId: string; lastSeq: number }[]>`
          SELECT rm."userId", r."id" AS "roomId", r."lastSeq"
          FROM "Room" r JOIN "RoomMember" rm ON rm."roomId" = r."id"
          WHERE r."lastMessageAt" > 'epoch'::timestamp + ${from}::float8 * interval '1 millisecond' AND rm."userId" = ANY(${users}::text[])`;
        for (const row of rows) io.local.to(userRoom(row.userId)).emit('room:advanced', { roomId: row.roomId, lastSeq: Number(row.lastSeq) });
      }
      // Moved on only after a beat that went through: a beat lost to a database outage is made up.
      since = now;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void beat().catch((error) => log().error({ err: error instanceof Error ? error.message : String(error) }, 'room heartbeat failed')), beatMs);
  timer.unref();
  return () => clearInterval(timer);
}
