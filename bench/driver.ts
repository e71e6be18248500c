// The load generator: a child process of bench/run.ts (commands over IPC, see lib/drivers.ts) holding
// real socket.io clients over loopback. It measures both ends of every message it tracks with one clock
// (this process's performance.now()): the coordinator gives each driver whole pairs or whole groups.
// Receivers behave like the web client (lib/realtime/chat-client.ts), through its own cursor reporter
// (one report per room and kind in flight): a message from someone else is reported `room:read` when it
// lands in the conversation they have open (reading implies delivery), else `room:delivered`.
import { io, type Socket } from 'socket.io-client';
import { cursorReporter } from '../lib/realtime/cursor-reporter';
import { ROOM_LIST_REFRESH_MS } from '../lib/realtime/chat-client';
import { summarize } from './lib/stats';

export type ClientSpec = {
  handle: string;
  /** Relay: the API token. Bare: unused (the handshake names the user). */
  token?: string;
  /** Bare only: group rooms to join at connect. */
  rooms?: string[];
  /**
   * The conversation this user has on screen: the client says so (`view:state`, as the web client does on
   * connect) and reports its messages read rather than delivered.
   */
  openRoom?: string;
  /** false: sends no receipts at all (only to isolate what they cost; the real client always sends them). */
  receipts?: boolean;
};
export type Send = { from: string; roomId: string; expect: number };

type Client = {
  spec: ClientSpec;
  socket: Socket;
  /** The highest seq of each room this client has been told of, by `message:new` or `room:advanced`. */
  known: Map<string, number>;
};
type Track = { intendedAt: number; expect: number; got: number };

const clients = new Map<string, Client>();
// When a message or receipt last arrived, to start each step from a quiet system (`settle`).
let lastEventAt = 0;
// `presence` events received since the last `connect` command (scenario i).
let presenceIn = 0;
const tracks = new Map<string, Track>();
const BODY = 'The quick brown fox jumps over the lazy dog, again and again: ';
const ACK_TIMEOUT_MS = 60_000;

// Counters of the current step, reset by each load command.
let counters = freshCounters();
function freshCounters() {
  return {
    delivered: 0, duplicates: 0, lastDeliveryAt: 0, e2e: [] as number[], receiptErrors: 0, receiptsIn: 0, disconnects: 0, errors: [] as string[],
    messagesIn: 0, advancedIn: 0, roomListFetches: 0, roomListErrors: 0,
  };
}
const noteError = (message: string) => {
  if (counters.errors.length < 5 && !counters.errors.includes(message)) counters.errors.push(message);
};

function connectOne(url: string, kind: 'relay' | 'bare', spec: ClientSpec): Promise<Client> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
    auth: kind === 'relay' ? { token: spec.token } : { user: spec.handle, rooms: spec.rooms ?? [] },
  });
  const client: Client = { spec, socket, known: new Map() };
  const know = (roomId: string, seq: number) => client.known.set(roomId, Math.max(seq, client.known.get(roomId) ?? 0));
  // As lib/realtime/chat-client.ts spaces them: ROOM_LIST_REFRESH_MS ± a quarter.
  const refreshRoomList = throttled(() => ROOM_LIST_REFRESH_MS * (0.75 + Math.random() / 2), () => {
    counters.roomListFetches += 1;
    void (async () => {
      const response = await fetch(`${url}/api/v1/rooms`, { headers: { authorization: `Bearer ${spec.token}` } });
      await response.arrayBuffer();
      if (response.ok) return;
      counters.roomListErrors += 1;
      noteError(`GET /rooms: ${response.status}`);
    })().catch((error: Error) => {
      counters.roomListErrors += 1;
      noteError(`GET /rooms: ${error.message}`);
    });
  });
  // A report still unanswered when its client was disconnected (the end of a scenario) times out later:
  // that is not an error of whatever step is running by then.
  const answered = (reply: { ok: boolean; error?: { code: string } }) => {
    if (clients.get(spec.handle) === client) onReceiptAck(reply);
  };
  const reporter = (event: 'room:delivered' | 'room:read') =>
    cursorReporter((roomId, seq) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, { roomId, seq }).then(answered, () => answered({ ok: false, error: { code: 'timeout' } }))).report;
  const [reportDelivered, reportRead] = [reporter('room:delivered'), reporter('room:read')];
  socket.on('message:new', ({ message }: { message: { id: string; roomId: string; seq: number; sender: string; clientMsgId: string } }) => {
    const now = performance.now();
    lastEventAt = now;
    counters.messagesIn += 1;
    know(message.roomId, message.seq);
    if (message.sender === spec.handle) return;
    const track = tracks.get(message.clientMsgId);
    if (track) {
      track.got += 1;
      if (track.got > track.expect) counters.duplicates += 1;
      else {
        counters.delivered += 1;
        counters.e2e.push(now - track.intendedAt);
        counters.lastDeliveryAt = now;
      }
    }
    if (spec.receipts === false) return;
    (spec.openRoom === message.roomId ? reportRead : reportDelivered)(message.roomId, message.seq);
  });
  // A busy room's hybrid fan-out (docs/performance.md) tells a client not showing it only that there is
  // more; the web client then refreshes its room list (spaced by ROOM_LIST_REFRESH_MS) unless its list
  // already holds that seq (from a pushed message or an earlier refresh).
  socket.on('room:advanced', ({ roomId, lastSeq }: { roomId: string; lastSeq: number }) => {
    lastEventAt = performance.now();
    counters.advancedIn += 1;
    const listed = client.known.get(roomId) ?? 0;
    know(roomId, lastSeq);
    if (roomId !== spec.openRoom && listed < lastSeq) refreshRoomList();
  });
  socket.on('receipt', () => {
    counters.receiptsIn += 1;
    lastEventAt = performance.now();
  });
  socket.on('presence', () => {
    presenceIn += 1;
    lastEventAt = performance.now();
  });
  socket.on('disconnect', (reason) => {
    if (clients.get(spec.handle) !== client) return;
    counters.disconnects += 1;
    noteError(`disconnected: ${reason}`);
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      if (kind !== 'relay' || !spec.openRoom) return resolve(client);
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('view:state', { roomId: spec.openRoom, visible: true, focused: true })
        .then(() => resolve(client), reject);
    });
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

function onReceiptAck(reply: { ok: boolean; error?: { code: string } }) {
  if (reply.ok) return;
  counters.receiptErrors += 1;
  noteError(`receipt: ${reply.error?.code}`);
}

/** Sends one tracked message; `onAck` gets the ack time or an error. */
function sendTracked(send: Send, clientMsgId: string, intendedAt: number, onAck: (error: string | null, ackedAt: number, seq?: number) => void) {
  const client = clients.get(send.from);
  if (!client?.socket.connected) return onAck(`${send.from} not connected`, 0);
  tracks.set(clientMsgId, { intendedAt, expect: send.expect, got: 0 });
  client.socket.timeout(ACK_TIMEOUT_MS).emit('message:send', { roomId: send.roomId, clientMsgId, body: BODY + clientMsgId }, (error: Error | null, reply: { ok: boolean; error?: { code: string; message: string }; message?: { seq: number } }) => {
    if (error) return onAck('ack timeout', 0);
    onAck(reply.ok ? null : `${reply.error?.code}: ${reply.error?.message}`, performance.now(), reply.message?.seq);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The open-loop schedule: send i is due at start + i / rate and `fire`d then (with that due time), whatever
 * happened to the ones before. Resolves once the last has been fired.
 */
async function onSchedule(rate: number, durationMs: number, fire: (index: number, intendedAt: number) => void) {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const interval = 1000 / rate;
  const start = performance.now() + 20;
  let index = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; index < total && start + index * interval <= now; index += 1) fire(index, start + index * interval);
      if (index >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(start + index * interval - now, 5)));
    };
    tick();
  });
  return { total, start, lastDue: start + (total - 1) * interval };
}

/** Runs `work` at once, then at most once per `interval()` ms: calls meanwhile share one trailing run. */
function throttled(interval: () => number, work: () => void) {
  let last = -Infinity;
  let pending = false;
  return () => {
    if (pending) return;
    const wait = last + interval() - performance.now();
    if (wait <= 0) {
      last = performance.now();
      return work();
    }
    pending = true;
    setTimeout(() => {
      pending = false;
      last = performance.now();
      work();
    }, wait);
  };
}

async function waitUntil(done: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await sleep(10);
}

const commands = {
  async connect({ url, kind, users, batch }: { url: string; kind: 'relay' | 'bare'; users: ClientSpec[]; batch: number }) {
    const start = performance.now();
    presenceIn = 0;
    let failed = 0;
    const errors: string[] = [];
    for (let index = 0; index < users.length; index += batch) {
      await Promise.all(
        users.slice(index, index + batch).map(async (spec) => {
          try {
            clients.set(spec.handle, await connectOne(url, kind, spec));
          } catch (error) {
            failed += 1;
            if (errors.length < 3) errors.push(String((error as Error).message));
          }
        }),
      );
    }
    return { connected: users.length - failed, failed, errors, ms: performance.now() - start };
  },

  async disconnect({ handles }: { handles?: string[] }) {
    for (const handle of handles ?? [...clients.keys()]) {
      const client = clients.get(handle);
      clients.delete(handle);
      client?.socket.close();
    }
    return { open: clients.size };
  },

  /** Waits until nothing has arrived for `quietMs` (the previous step's receipts still in flight). */
  async settle({ quietMs, timeoutMs }: { quietMs: number; timeoutMs: number }) {
    const start = performance.now();
    await waitUntil(() => performance.now() - lastEventAt >= quietMs, timeoutMs);
    return { waitedMs: Math.round(performance.now() - start), presenceIn };
  },

  /**
   * Open loop: message i is due at start + i / rate, sent then whatever happened to the ones before, and
   * stamped with that due time; end-to-end latency is receive time − due time, so a stalled server (or
   * a stalled driver) shows up as latency, never as a slower sender. `sends` is cycled through.
   */
  async openLoop({ sends, rate, durationMs, drainMs, tag }: { sends: Send[]; rate: number; durationMs: number; drainMs: number; tag: string }) {
    counters = freshCounters();
    tracks.clear();
    const cpuBefore = process.cpuUsage();
    const ack: number[] = [];
    let acked = 0;
    let ackErrors = 0;
    let expected = 0;
    const { total, start } = await onSchedule(rate, durationMs, (index, intendedAt) => {
      const send = sends[index % sends.length];
      expected += send.expect;
      sendTracked(send, `${tag}-${index}`, intendedAt, (error, ackedAt) => {
        if (error) {
          ackErrors += 1;
          noteError(error);
        } else {
          acked += 1;
          ack.push(ackedAt - intendedAt);
        }
      });
    });
    await waitUntil(() => acked + ackErrors === total && counters.delivered >= expected, durationMs + drainMs);
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (counters.lastDeliveryAt - start) / 1000;
    const result = {
      offeredPerSec: rate,
      sent: total,
      acked,
      ackErrors,
      expected,
      delivered: counters.delivered,
      undelivered: expected - counters.delivered,
      duplicates: counters.duplicates,
      deliveredPerSec: seconds > 0 ? Math.round(counters.delivered / seconds) : 0,
      e2e: summarize(counters.e2e),
      ack: summarize(ack),
      receiptsIn: counters.receiptsIn,
      receiptErrors: counters.receiptErrors,
      disconnects: counters.disconnects,
      errorSamples: counters.errors,
      driverCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
    tracks.clear();
    return result;
  },

  /**
   * Open loop like `openLoop`, counting what each member is told of rather than tracking each message:
   * pushed (`message:new`) or announced (`room:advanced`, the hybrid fan-out). Then waits until every
   * client knows the room's last acked seq (or the drain ends): `converged` members knew it, and
   * `convergedMs` is from the last send's due time until the last of them did.
   */
  async announceLoop({ sends, rate, durationMs, drainMs, tag, roomId }: { sends: Send[]; rate: number; durationMs: number; drainMs: number; tag: string; roomId: string }) {
    counters = freshCounters();
    let acked = 0;
    let ackErrors = 0;
    let lastSeq = 0;
    const { total, lastDue } = await onSchedule(rate, durationMs, (index, intendedAt) => {
      sendTracked({ ...sends[index % sends.length], expect: 0 }, `${tag}-${index}`, intendedAt, (error, _ackedAt, seq) => {
        if (error) {
          ackErrors += 1;
          noteError(error);
        } else {
          acked += 1;
          lastSeq = Math.max(lastSeq, seq ?? 0);
        }
      });
    });
    const members = [...clients.values()];
    const knowsLast = (client: Client) => (client.known.get(roomId) ?? 0) >= lastSeq;
    await waitUntil(() => acked + ackErrors === total && members.every(knowsLast), durationMs + drainMs);
    tracks.clear();
    return {
      offeredPerSec: rate,
      sent: total,
      acked,
      ackErrors,
      members: members.length,
      converged: lastSeq > 0 ? members.filter(knowsLast).length : 0,
      convergedMs: Math.round(performance.now() - lastDue),
      messagesIn: counters.messagesIn,
      advancedIn: counters.advancedIn,
      roomListFetches: counters.roomListFetches,
      roomListErrors: counters.roomListErrors,
      receiptErrors: counters.receiptErrors,
      disconnects: counters.disconnects,
      errorSamples: counters.errors,
    };
  },

  /**
   * Closed loop at saturation: each sender keeps `window` sends in flight for `durationMs`, then the
   * last acks are awaited. The rate is acks over the time from the start to the last ack (a slow server
   * acks long after the sends); every acked clientMsgId is returned, to be looked up in the database.
   */
  async pump({ senders, window, durationMs, perSender, tag }: { senders: { from: string; roomId: string }[]; window: number; durationMs: number; perSender?: number; tag: string }) {
    counters = freshCounters();
    const start = performance.now();
    const end = start + durationMs;
    const ackedIds: string[] = [];
    let lastAckAt = start;
    let errors = 0;
    let inFlight = 0;
    let next = 0;
    const sentBy = new Map<string, number>();
    const fire = (sender: { from: string; roomId: string }) => {
      const count = sentBy.get(sender.from) ?? 0;
      if (performance.now() > end || (perSender !== undefined && count >= perSender)) return;
      sentBy.set(sender.from, count + 1);
      const clientMsgId = `${tag}-${next++}`;
      inFlight += 1;
      sendTracked({ ...sender, expect: 0 }, clientMsgId, performance.now(), (error, ackedAt) => {
        inFlight -= 1;
        if (error) {
          errors += 1;
          noteError(error);
        } else {
          ackedIds.push(clientMsgId);
          lastAckAt = Math.max(lastAckAt, ackedAt);
        }
        tracks.delete(clientMsgId);
        fire(sender);
      });
    };
    for (const sender of senders) for (let lane = 0; lane < window; lane += 1) fire(sender);
    // Until the time is up or, with `perSender`, every sender has sent its share; then the last acks.
    await waitUntil(() => inFlight === 0, Math.max(0, end - performance.now()));
    await waitUntil(() => inFlight === 0, ACK_TIMEOUT_MS);
    const seconds = (lastAckAt - start) / 1000;
    return { acked: ackedIds.length, ackedIds, errors, ackedPerSec: seconds > 0 ? Math.round(ackedIds.length / seconds) : 0, ms: performance.now() - start, errorSamples: counters.errors, disconnects: counters.disconnects };
  },

  /**
   * A catch-up storm: every user connects at once and syncs its room from what it held, paging until
   * `hasMore` is false, while live messages keep coming. Done when each holds every seq up to
   * `lastSeq`, each exactly once.
   */
  async catchUp({ url, users }: { url: string; users: (ClientSpec & { roomId: string; afterSeq: number; lastSeq: number })[] }) {
    counters = freshCounters();
    const start = performance.now();
    let syncErrors = 0;
    let duplicates = 0;
    let syncCalls = 0;
    const outcomes = await Promise.all(
      users.map(async (user) => {
        const held = new Map<number, string>();
        const hold = (message: { id: string; seq: number }) => {
          const known = held.get(message.seq);
          if (known !== undefined && known !== message.id) duplicates += 1;
          held.set(message.seq, message.id);
        };
        try {
          const client = await connectOne(url, 'relay', user);
          clients.set(user.handle, client);
          client.socket.on('message:new', ({ message }: { message: { id: string; seq: number; roomId: string } }) => message.roomId === user.roomId && hold(message));
          let afterSeq = user.afterSeq;
          for (;;) {
            syncCalls += 1;
            const reply = await client.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:sync', { roomId: user.roomId, afterSeq, limit: 200 });
            if (!reply.ok) throw new Error(`room:sync: ${reply.error.code}`);
            const seen = new Set<string>();
            for (const message of reply.messages) {
              if (seen.has(message.id)) duplicates += 1;
              seen.add(message.id);
              hold(message);
              afterSeq = Math.max(afterSeq, message.seq);
            }
            if (!reply.hasMore) break;
          }
        } catch (error) {
          syncErrors += 1;
          noteError(String((error as Error).message));
        }
        let complete = true;
        for (let seq = user.afterSeq + 1; seq <= user.lastSeq; seq += 1) if (!held.has(seq)) complete = false;
        return { complete, held: held.size, doneAt: performance.now() - start };
      }),
    );
    return {
      users: users.length,
      complete: outcomes.filter((outcome) => outcome.complete).length,
      messagesHeld: outcomes.reduce((sum, outcome) => sum + outcome.held, 0),
      messagesExpected: users.reduce((sum, user) => sum + user.lastSeq - user.afterSeq, 0),
      duplicates,
      syncErrors,
      syncCalls,
      allHeldMs: Math.round(Math.max(...outcomes.map((outcome) => outcome.doneAt))),
      userDone: summarize(outcomes.map((outcome) => outcome.doneAt)),
      errorSamples: counters.errors,
    };
  },
};

export type DriverCommands = typeof commands;

process.on('message', async ({ id, command, args }: { id: number; command: keyof DriverCommands; args: any }) => {
  try {
    const result = await commands[command](args);
    process.send!({ id, result });
  } catch (error) {
    process.send!({ id, error: (error as Error).stack ?? String(error) });
  }
});
process.send!({ ready: true });
