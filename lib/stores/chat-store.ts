import { createStore } from 'zustand/vanilla';
import type { OfflineCopy } from '../offline-copy';
import { byWriteOrder, type OutboxItem } from '../outbox';
import type { ChatMessage, MessageRequest, PresenceStatus, PublicUser, Receipt, RoomSummary } from '../schemas';

export type ChatState = {
  me: PublicUser;
  /** null while the first connection is being made. */
  connected: boolean | null;
  /** The conversation list: still loading (skeletons), loaded, or its first load failed (Retry). */
  roomsStatus: 'loading' | 'ready' | 'error';
  setRoomsFailed: () => void;
  rooms: Record<string, RoomSummary>;
  messagesByRoom: Record<string, ChatMessage[]>;
  /**
   * Per loaded room: every message the caller may see is held up to this seq. Set by syncs and
   * advanced only by contiguous live messages, so a live message never hides a hole before it.
   */
  syncedSeq: Record<string, number>;
  /**
   * Per loaded room: the room version (docs/protocol.md "Versions") the held messages up to syncedSeq
   * are current at. Set only by sync replies (a lost live update is then still fetched by the next
   * sync) and sent back as `afterVersion`.
   */
  syncedVersion: Record<string, number>;
  markVersion: (roomId: string, version: number) => void;
  /** A message the user chose to answer (its Reply action); the composer of its room takes and clears it. */
  replyRequest: ChatMessage | null;
  requestReply: (message: ChatMessage | null) => void;
  /** A message whose editor should open (Up in an empty message box); its actions menu takes and clears it. */
  editRequest: string | null;
  requestEdit: (messageId: string | null) => void;
  activeRoomId: string | null;
  /** The open group the list dropped (left, or removed by its owner): the view says so instead of closing silently. Cleared by opening another. */
  leftRoom: RoomSummary | null;
  /** Every room the list dropped while this page was open, so messages it then refused can say where they were for. */
  formerRooms: Record<string, RoomSummary>;
  /** Groups the list dropped while another conversation was open (removed, or left in another tab): said in the list until one is opened. */
  droppedGroups: RoomSummary[];
  /** A person picked from search with whom there is no conversation yet. */
  draftPeer: PublicUser | null;
  outbox: OutboxItem[];
  presence: Record<string, PresenceStatus>;
  requests: MessageRequest[];
  /** A short message for the user (e.g. "You are sending too fast"), cleared by the next success. */
  notice: string | null;
  setRequests: (requests: MessageRequest[]) => void;
  /** The open conversation's request, once it has left the requests (answered, maybe in another tab): not a deep link to keep open. */
  answeredRequest: string | null;
  setNotice: (notice: string | null) => void;
  markDeleted: (roomId: string, messageId: string) => void;
  /** roomId → handle → when the "typing" signal lapses (ms since epoch). */
  typing: Record<string, Record<string, number>>;
  setPresence: (statuses: PresenceStatus[]) => void;
  setTyping: (roomId: string, handle: string, until: number | null) => void;
  setConnected: (connected: boolean) => void;
  setRooms: (rooms: RoomSummary[]) => void;
  /** What this browser kept from its last visit (lib/offline-copy.ts), for a list that cannot be fetched: only while none is held. */
  restoreCopy: (copy: OfflineCopy) => void;
  /**
   * The one place a message's state is applied (history, syncs, sync changes, acks, message:updated):
   * merged by id, a copy never replaced by an older version, and the room list's and requests'
   * previews kept to the newest copy.
   */
  mergeMessages: (roomId: string, messages: ChatMessage[]) => void;
  /** The same for changed messages (message:updated, a sync's `changes`): only copies already held are replaced; previews follow. */
  updateMessages: (roomId: string, messages: ChatMessage[]) => void;
  /** Records that everything up to `seq` is held (from a sync reply or a loaded history page). */
  markSynced: (roomId: string, seq: number) => void;
  receiveMessage: (message: ChatMessage) => void;
  /** The server's unread count for a room, counted against my read cursor `readSeq` (as far as known). */
  setUnread: (roomId: string, count: number, readSeq?: number, mentions?: number) => void;
  applyReceipt: (receipt: Receipt) => void;
  /** A changed profile (user:updated, or my own change): the name and picture wherever the person is shown. */
  renameUser: (user: PublicUser) => void;
  /** The handles I have blocked (null until known): a direct conversation with one of them cannot be written in. */
  blocked: string[] | null;
  setBlocked: (handles: string[]) => void;
  markBlocked: (handle: string, blocked: boolean) => void;
  /** People seen in a conversation who are not among its members (they left, or were removed): name and picture. */
  people: Record<string, PublicUser>;
  knowPeople: (users: PublicUser[]) => void;
  openRoom: (roomId: string | null) => void;
  /**
   * A message to bring into view (a search result, a reply's quote): the conversation opens on it,
   * loading the history around it if it is not held. Cleared by `openRoom` and once shown.
   */
  jumpTarget: { roomId: string; seq: number } | null;
  jumpTo: (roomId: string, seq: number) => void;
  clearJump: () => void;
  openDraft: (peer: PublicUser) => void;
  /** Adds a message written here (kept in write order; a known one is left alone). Another tab's goes through `adopt`. */
  enqueue: (item: OutboxItem) => void;
  /** Another tab's copy of an unsent message, new or changed there (held, failed, retried): shown as it is there. */
  adopt: (item: OutboxItem) => void;
  settle: (clientMsgId: string) => void;
  /** The spam checks held it for a moderator: shown as such, no retry; it goes when released or removed. */
  hold: (clientMsgId: string, note: string) => void;
  /** `retryable`: failed for want of a connection, so it is sent again once the connection returns. */
  fail: (clientMsgId: string, error: string, retryable?: boolean) => void;
  /** Puts messages that failed for want of a connection back in the queue, in their order. */
  requeueRetryable: () => void;
  retry: (clientMsgId: string) => void;
};

// Messages arrive from acks, live events, syncs and history pages: merge by id, keep seq order.
// A changed message whose row is not held (older than the loaded pages) is not added: it would show
// alone, above a hole.
function merge(existing: ChatMessage[], incoming: ChatMessage[], insert = true): ChatMessage[] {
  const byId = new Map(existing.map((message) => [message.id, message]));
  for (const message of incoming) if (insert || byId.has(message.id)) byId.set(message.id, newer(byId.get(message.id), message));
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function applyMessages(state: ChatState, roomId: string, messages: ChatMessage[], insert: boolean): Partial<ChatState> {
  const held = state.messagesByRoom[roomId];
  if (!held && !insert) return withPreviews(state, roomId, messages);
  const merged = merge(held ?? [], messages, insert);
  return {
    messagesByRoom: { ...state.messagesByRoom, [roomId]: merged },
    syncedSeq: withSynced(state, roomId, merged, -1),
    ...withPreviews(state, roomId, messages),
    ...(insert && withoutArrived(state, messages)),
  };
}

/**
 * One of mine the server has, however it came (an ack, a push, a sync, a history page), leaves the
 * outbox in the same change that shows it: a sync after an ack was lost showed it twice, stored and
 * "Sending", until the outbox sent it again.
 */
function withoutArrived(state: ChatState, messages: ChatMessage[]): Pick<ChatState, 'outbox'> | null {
  const arrived = new Set(messages.filter((message) => message.sender === state.me.handle).map((message) => message.clientMsgId));
  return arrived.size > 0 && state.outbox.some((item) => arrived.has(item.clientMsgId)) ? { outbox: state.outbox.filter((item) => !arrived.has(item.clientMsgId)) } : null;
}

/** Of two copies of one message, the one with the greater version; a tie goes to the incoming one. */
function newer<M extends ChatMessage>(held: M | null | undefined, incoming: M): M {
  return held && (held.version ?? 0) > (incoming.version ?? 0) ? held : incoming;
}

/** A preview (the list's or a request's last message) follows a newer copy of the same message. */
function previewOf(preview: ChatMessage | null, messages: ChatMessage[]): ChatMessage | null {
  const copy = preview && messages.find((message) => message.id === preview.id);
  return copy ? newer(preview, copy) : preview;
}

function withPreviews(state: ChatState, roomId: string, messages: ChatMessage[]): Pick<ChatState, 'rooms' | 'requests'> {
  const room = state.rooms[roomId];
  const roomPreview = room && previewOf(room.lastMessage, messages);
  const touchesRequest = state.requests.some((request) => request.roomId === roomId && previewOf(request.lastMessage, messages) !== request.lastMessage);
  return {
    rooms: room && roomPreview !== room.lastMessage ? { ...state.rooms, [roomId]: { ...room, lastMessage: roomPreview } } : state.rooms,
    requests: touchesRequest
      ? state.requests.map((request) => (request.roomId === roomId ? { ...request, lastMessage: previewOf(request.lastMessage, messages) } : request))
      : state.requests,
  };
}

// Moves a synced mark over held messages that follow it without a hole.
function advanceThroughHeld(synced: number, messages: ChatMessage[]): number {
  let seq = synced;
  for (const message of messages) if (message.seq === seq + 1) seq = message.seq;
  return seq;
}

function withSynced(state: ChatState, roomId: string, messages: ChatMessage[], floor: number): Record<string, number> {
  const current = state.syncedSeq[roomId];
  if (current === undefined && floor < 0) return state.syncedSeq;
  return { ...state.syncedSeq, [roomId]: advanceThroughHeld(Math.max(current ?? 0, floor), messages) };
}

/** One store per provider (per signed-in page), never a module singleton. */
export const createChatStore = (me: PublicUser, outbox: OutboxItem[] = []) =>
  createStore<ChatState>()((set) => ({
    me,
    connected: null,
    roomsStatus: 'loading',
    setRoomsFailed: () => set((state) => (state.roomsStatus === 'ready' ? {} : { roomsStatus: 'error' })),
    rooms: {},
    messagesByRoom: {},
    syncedSeq: {},
    syncedVersion: {},
    markVersion: (roomId, version) => set((state) => ({ syncedVersion: { ...state.syncedVersion, [roomId]: version } })),
    replyRequest: null,
    requestReply: (message) => set({ replyRequest: message }),
    editRequest: null,
    requestEdit: (messageId) => set({ editRequest: messageId }),
    activeRoomId: null,
    leftRoom: null,
    formerRooms: {},
    droppedGroups: [],
    draftPeer: null,
    outbox,
    presence: {},
    typing: {},
    requests: [],
    notice: null,
    answeredRequest: null,
    setRequests: (requests) =>
      set((state) => {
        const open = state.activeRoomId;
        const answered = open !== null && state.requests.some((request) => request.roomId === open) && !requests.some((request) => request.roomId === open);
        return { requests, answeredRequest: answered ? open : state.answeredRequest };
      }),
    setNotice: (notice) => set({ notice }),
    markDeleted: (roomId, messageId) =>
      set((state) => {
        const erase = <M extends ChatMessage | null>(message: M): M =>
          message?.id === messageId ? { ...message, body: '', deleted: true as const, deletedBy: 'moderator' as const, reactions: [], mentions: [], attachments: [], replyTo: null } : message;
        const room = state.rooms[roomId];
        return {
          messagesByRoom: state.messagesByRoom[roomId]
            ? { ...state.messagesByRoom, [roomId]: state.messagesByRoom[roomId].map(erase) }
            : state.messagesByRoom,
          // The list's preview and a request's preview must not keep showing what was removed.
          rooms: room ? { ...state.rooms, [roomId]: { ...room, lastMessage: erase(room.lastMessage) } } : state.rooms,
          requests: state.requests.map((request) => (request.roomId === roomId ? { ...request, lastMessage: erase(request.lastMessage) } : request)),
        };
      }),
    setPresence: (statuses) =>
      set((state) => ({ presence: { ...state.presence, ...Object.fromEntries(statuses.map((status) => [status.handle, status])) } })),
    setTyping: (roomId, handle, until) =>
      set((state) => {
        const room = { ...state.typing[roomId] };
        if (until === null) delete room[handle];
        else room[handle] = until;
        return { typing: { ...state.typing, [roomId]: room } };
      }),
    setConnected: (connected) => set({ connected }),
    setRooms: (rooms) =>
      set((state) => {
        // The group the view says "You are no longer in" is back (the member was added again): open it again.
        const back = state.activeRoomId === null && state.leftRoom && rooms.some((room) => room.id === state.leftRoom?.id) ? state.leftRoom.id : null;
        // A first message to someone (a draft) whose conversation now exists (its first message made it,
        // here or elsewhere, or a reload brought the draft back afterwards) is that conversation.
        const draftPeer = state.draftPeer;
        const drafted = draftPeer && rooms.find((room) => room.kind === 'direct' && room.members.some((member) => member.handle === draftPeer.handle));
        const open = back ?? drafted?.id ?? state.activeRoomId;
        const listed = open !== null && (rooms.some((room) => room.id === open) || state.requests.some((request) => request.roomId === open));
        // A room this page never listed (a deep link to a conversation I am not in) stays open so the view can
        // say it is not available; one the list dropped closes (a group says why: leftRoom), and so does a
        // request answered without becoming a conversation (ignored or blocked, maybe in another tab).
        const stillOpen = listed || (open !== null && !state.rooms[open] && open !== state.answeredRequest);
        const dropped = open !== null && !stillOpen ? state.rooms[open] : undefined;
        const kept = new Set(rooms.map((room) => room.id));
        const gone = Object.values(state.rooms).filter((room) => !kept.has(room.id));
        // The open one says so where it was (leftRoom).
        const newlyDropped = gone.filter((room) => room.kind === 'group' && room.id !== open && !state.droppedGroups.some((known) => known.id === room.id));
        return {
          rooms: Object.fromEntries(
            rooms.map((room) => {
              const held = state.messagesByRoom[room.id];
              const before = state.rooms[room.id];
              return [room.id, withKnownRead(withKnownReceipts(withLiveMessages(room, held, state.me.handle), before, state.me.handle), before, held, state.me.handle)];
            }),
          ),
          roomsStatus: 'ready',
          // A message request stays open too: it is read before it is answered.
          activeRoomId: stillOpen ? open : null,
          draftPeer: drafted ? null : draftPeer,
          leftRoom: dropped?.kind === 'group' ? dropped : back ? null : state.leftRoom,
          formerRooms: gone.length > 0 ? { ...state.formerRooms, ...Object.fromEntries(gone.map((room) => [room.id, room])) } : state.formerRooms,
          droppedGroups:
            newlyDropped.length > 0 || state.droppedGroups.some((known) => kept.has(known.id))
              ? [...state.droppedGroups.filter((known) => !kept.has(known.id)), ...newlyDropped]
              : state.droppedGroups,
        };
      }),
    restoreCopy: (copy) =>
      set((state) =>
        state.roomsStatus === 'ready'
          ? {}
          : {
              rooms: Object.fromEntries(copy.rooms.map((room) => [room.id, room])),
              requests: copy.requests,
              messagesByRoom: copy.messagesByRoom,
              syncedSeq: copy.syncedSeq,
              syncedVersion: copy.syncedVersion,
              roomsStatus: 'ready',
            },
      ),
    mergeMessages: (roomId, messages) => set((state) => applyMessages(state, roomId, messages, true)),
    // Nothing changed (a page of history loaded with no change kept for it): the state stays, no listener runs.
    updateMessages: (roomId, messages) => set((state) => (messages.length === 0 ? state : applyMessages(state, roomId, messages, false))),
    markSynced: (roomId, seq) =>
      set((state) => ({ syncedSeq: withSynced(state, roomId, state.messagesByRoom[roomId] ?? [], seq) })),
    receiveMessage: (message) =>
      set((state) => {
        const known = state.messagesByRoom[message.roomId]?.some((existing) => existing.id === message.id);
        const room = state.rooms[message.roomId];
        const applied = applyMessages(state, message.roomId, [message], true);
        const typing = { ...state.typing[message.roomId] };
        delete typing[message.sender];
        return {
          ...applied,
          rooms: room && !known ? { ...applied.rooms, [room.id]: withNewMessage(applied.rooms![room.id], message, state.me.handle) } : applied.rooms,
          typing: { ...state.typing, [message.roomId]: typing },
        };
      }),
    // Nothing unread (read here or in another tab) leaves no unread mention either.
    setUnread: (roomId, count, readSeq, mentions) =>
      set((state) => {
        const room = state.rooms[roomId];
        if (!room) return {};
        // Counted against an older cursor than the one held: pushes from two nodes (two tabs reading at
        // once) can arrive out of order, and read messages never come back as unread.
        const myRead = room.members.find((member) => member.handle === state.me.handle)?.readSeq ?? 0;
        if (readSeq !== undefined && readSeq < myRead) return {};
        const members = withMyRead(room.members, state.me.handle, readSeq ?? 0);
        // A read up to a mention, not past it all, clears the mention too: counted by the server with the unread.
        return { rooms: { ...state.rooms, [roomId]: { ...room, members, unread: count, mentions: count === 0 ? 0 : (mentions ?? room.mentions) } } };
      }),
    applyReceipt: (receipt) =>
      set((state) => {
        const room = state.rooms[receipt.roomId];
        if (!room) return {};
        const members = room.members.map((member) => {
          if (member.handle !== receipt.reader) return member;
          const deliveredSeq = Math.max(member.deliveredSeq, receipt.seq);
          return receipt.kind === 'read' ? { ...member, deliveredSeq, readSeq: Math.max(member.readSeq, receipt.seq) } : { ...member, deliveredSeq };
        });
        // My own read clears the unread messages and mentions it covers, as the server counts them (after my
        // read cursor): at once, so a read made offline clears the badge before the server can say so.
        const me = state.me.handle;
        if (receipt.kind !== 'read' || receipt.reader !== me || receipt.seq <= myReadSeq(room, me)) return { rooms: { ...state.rooms, [room.id]: { ...room, members } } };
        const held = state.messagesByRoom[room.id];
        const counts = { unread: unreadAfter(room, held, receipt.seq, me), mentions: mentionsAfter(room, held, receipt.seq, me) };
        return { rooms: { ...state.rooms, [room.id]: { ...room, members, ...counts } } };
      }),
    renameUser: (user) =>
      set((state) => ({
        me: state.me.handle === user.handle ? user : state.me,
        people: user.handle in state.people ? { ...state.people, [user.handle]: user } : state.people,
        rooms: Object.fromEntries(
          Object.entries(state.rooms).map(([id, room]) => [
            id,
            {
              ...room,
              members: room.members.map((member) => (member.handle === user.handle ? { ...member, displayName: user.displayName, avatarUrl: user.avatarUrl } : member)),
            },
          ]),
        ),
        requests: state.requests.some((request) => request.from?.handle === user.handle)
          ? state.requests.map((request) => (request.from?.handle === user.handle ? { ...request, from: user } : request))
          : state.requests,
        draftPeer: state.draftPeer?.handle === user.handle ? user : state.draftPeer,
      })),
    blocked: null,
    setBlocked: (handles) => set({ blocked: handles }),
    markBlocked: (handle, blocked) =>
      set((state) => {
        const others = (state.blocked ?? []).filter((other) => other !== handle);
        return { blocked: blocked ? [...others, handle] : others };
      }),
    people: {},
    knowPeople: (users) => set((state) => ({ people: { ...state.people, ...Object.fromEntries(users.map((user) => [user.handle, user])) } })),
    // Back to the list (null) keeps the dropped groups: on a phone that is where they are said.
    openRoom: (roomId) => set((state) => ({ activeRoomId: roomId, draftPeer: null, jumpTarget: null, leftRoom: null, droppedGroups: roomId ? [] : state.droppedGroups })),
    jumpTarget: null,
    jumpTo: (roomId, seq) => set({ activeRoomId: roomId, draftPeer: null, jumpTarget: { roomId, seq }, leftRoom: null, droppedGroups: [] }),
    clearJump: () => set({ jumpTarget: null }),
    openDraft: (peer) => set({ activeRoomId: null, draftPeer: peer, leftRoom: null, droppedGroups: [] }),
    enqueue: (item) =>
      set((state) =>
        state.outbox.some((queued) => queued.clientMsgId === item.clientMsgId) ? {} : { outbox: [...state.outbox, item].sort(byWriteOrder) },
      ),
    adopt: (item) =>
      set((state) => ({ outbox: [...state.outbox.filter((queued) => queued.clientMsgId !== item.clientMsgId), item].sort(byWriteOrder) })),
    settle: (clientMsgId) =>
      set((state) =>
        state.outbox.some((item) => item.clientMsgId === clientMsgId) ? { outbox: state.outbox.filter((item) => item.clientMsgId !== clientMsgId) } : {},
      ),
    hold: (clientMsgId, note) =>
      set((state) => ({
        outbox: state.outbox.map((item) => (item.clientMsgId === clientMsgId ? { ...item, status: 'held', error: note, retryable: undefined } : item)),
      })),
    fail: (clientMsgId, error, retryable = false) =>
      set((state) => ({
        outbox: state.outbox.map((item) => (item.clientMsgId === clientMsgId ? { ...item, status: 'failed', error, retryable } : item)),
      })),
    requeueRetryable: () =>
      set((state) =>
        state.outbox.some((item) => item.status === 'failed' && item.retryable)
          ? {
              outbox: state.outbox.map((item) =>
                item.status === 'failed' && item.retryable ? { ...item, status: 'pending', error: undefined, retryable: undefined, queuedAt: Date.now() } : item,
              ),
            }
          : {},
      ),
    retry: (clientMsgId) =>
      set((state) => ({
        outbox: state.outbox.map((item) =>
          item.clientMsgId === clientMsgId ? { ...item, status: 'pending', error: undefined, retryable: undefined, queuedAt: Date.now() } : item,
        ),
      })),
  }));

// A room list fetched just before a live message arrived must not undo it: messages already held
// past the list's lastSeq are added back on top of the snapshot.
// Likewise a newer copy of its last message (an edit, a reaction) is kept over the snapshot's.
function withLiveMessages(room: RoomSummary, held: ChatMessage[] | undefined, me: string): RoomSummary {
  const later = (held ?? []).filter((message) => message.seq > room.lastSeq);
  const preview = previewOf(room.lastMessage, held ?? []);
  return later.reduce((summary, message) => withNewMessage(summary, message, me), preview === room.lastMessage ? room : { ...room, lastMessage: preview });
}

// The others' cursors only move forward too: a list read before a receipt that has come since (one
// asked for as a request is accepted, the reader's first read right behind) must not take it back, and
// show "Sent" under a message they have read. A member whose cursors the list now hides (a block) keeps
// what was shown already; nothing new of theirs is shown.
function withKnownReceipts(room: RoomSummary, before: RoomSummary | undefined, me: string): RoomSummary {
  if (!before) return room;
  const known = new Map(before.members.map((member) => [member.handle, member]));
  let changed = false;
  const members = room.members.map((member) => {
    const held = member.handle === me ? undefined : known.get(member.handle);
    if (!held || (held.readSeq <= member.readSeq && held.deliveredSeq <= member.deliveredSeq)) return member;
    changed = true;
    return { ...member, readSeq: Math.max(member.readSeq, held.readSeq), deliveredSeq: Math.max(member.deliveredSeq, held.deliveredSeq) };
  });
  return changed ? { ...room, members } : room;
}

// A list counted against an older read cursor of mine than one already known here (an `unread` push
// that overtook the list's response) must not bring back what I have read since: recount from there.
function withKnownRead(room: RoomSummary, before: RoomSummary | undefined, held: ChatMessage[] | undefined, me: string): RoomSummary {
  const known = myReadSeq(before, me);
  if (known <= myReadSeq(room, me)) return room;
  return { ...room, members: withMyRead(room.members, me, known), unread: unreadAfter(room, held, known, me), mentions: mentionsAfter(room, held, known, me) };
}

/** My unread count in `room` once I have read up to `readSeq`, from the messages held here. */
function unreadAfter(room: RoomSummary, held: ChatMessage[] | undefined, readSeq: number, me: string): number {
  if (readSeq >= room.lastSeq) return 0;
  const after = (held ?? []).filter((message) => message.seq > readSeq && message.seq <= room.lastSeq);
  // Held without a hole up to lastSeq: count exactly; otherwise no more than the list said.
  return after.length === room.lastSeq - readSeq
    ? after.filter((message) => message.kind === 'text' && message.sender !== me && !message.deleted).length
    : Math.min(room.unread, room.lastSeq - readSeq);
}

const myReadSeq = (room: RoomSummary | undefined, me: string) => room?.members.find((member) => member.handle === me)?.readSeq ?? 0;

const withMyRead = (members: RoomSummary['members'], me: string, readSeq: number) =>
  members.map((member) =>
    member.handle === me && readSeq > member.readSeq ? { ...member, readSeq, deliveredSeq: Math.max(member.deliveredSeq, readSeq) } : member,
  );

function withNewMessage(room: RoomSummary, message: ChatMessage, me: string): RoomSummary {
  const isNewest = message.seq > room.lastSeq;
  const countsAsUnread = isNewest && message.kind === 'text' && message.sender !== me;
  return {
    ...room,
    lastMessage: isNewest ? message : room.lastMessage,
    lastSeq: Math.max(room.lastSeq, message.seq),
    unread: room.unread + (countsAsUnread ? 1 : 0),
    // As the server counts them: the unread messages that mention me.
    mentions: (room.mentions ?? 0) + (countsAsUnread && mentionsMe(message, me) ? 1 : 0),
  };
}

const mentionsMe = (message: ChatMessage, me: string) => message.mentions?.includes(me) ?? false;

/** Unread mentions once I have read up to `readSeq`: the held messages after it that mention me. */
function mentionsAfter(room: RoomSummary, held: ChatMessage[] | undefined, readSeq: number, me: string): number {
  if (readSeq >= room.lastSeq) return 0;
  const after = (held ?? []).filter((message) => message.seq > readSeq && message.kind === 'text' && message.sender !== me && !message.deleted && mentionsMe(message, me));
  return Math.min(room.mentions ?? 0, after.length);
}

/**
 * Whether a changed copy of a message may change my unread or mention counts, which the server keeps: an
 * unread message by someone else deleted, or its mention of me added or taken out by an edit. Without
 * the earlier copy, a room with unread mentions may have lost one.
 */
export function changesMyCounts(state: Pick<ChatState, 'rooms' | 'messagesByRoom' | 'me'>, message: ChatMessage): boolean {
  const me = state.me.handle;
  const room = state.rooms[message.roomId];
  if (!room || message.sender === me || message.kind !== 'text' || message.seq <= myReadSeq(room, me)) return false;
  const held = state.messagesByRoom[message.roomId]?.find((copy) => copy.id === message.id);
  if (held) return Boolean(held.deleted) !== Boolean(message.deleted) || mentionsMe(held, me) !== mentionsMe(message, me);
  return Boolean(message.deleted) || mentionsMe(message, me) || (room.mentions ?? 0) > 0;
}

const NO_PRESENCE: ChatState['presence'] = {};

/** Others' presence as the page may show it: none while this page is offline, since it cannot know it then. */
export const shownPresence = (state: Pick<ChatState, 'presence' | 'connected'>) => (state.connected === false ? NO_PRESENCE : state.presence);

export type ChatStore = ReturnType<typeof createChatStore>;

/** Rooms ordered by their latest activity, newest first. */
export const sortRooms = (rooms: Record<string, RoomSummary>) =>
  Object.values(rooms).sort((a, b) => activity(b).localeCompare(activity(a)));

const activity = (room: RoomSummary) => room.lastMessage?.createdAt ?? '';

export const lastSeqOf = (messages: ChatMessage[] | undefined) => messages?.at(-1)?.seq ?? 0;
