import { api, connect, emitAck, type TestSocket, type TestUser } from './clients';
import { waitFor } from './wait';

/**
 * Makes two users acquainted the way people become so: a direct message from `a` that `b` accepts.
 * Only acquaintances add each other to groups outright; anyone else gets an invite.
 */
export async function acquaint(baseUrl: string, a: TestUser, b: TestUser): Promise<string> {
  const socket = await connect(baseUrl, { token: a.token });
  try {
    const ack = await emitAck(socket, 'message:send', { to: b.handle, clientMsgId: `hello-${b.handle}`, body: `hello ${b.handle}` });
    if (!ack.ok) throw new Error(`acquaint: ${JSON.stringify(ack)}`);
    const roomId: string = ack.message.roomId;
    const accepted = await api(baseUrl, `/api/v1/requests/${roomId}/accept`, { token: b.token, body: {} });
    // 404: not a request at all (they already share a group).
    if (accepted.status !== 200 && accepted.status !== 404) throw new Error(`acquaint accept: ${JSON.stringify(accepted.body)}`);
    return roomId;
  } finally {
    socket.close();
  }
}

/** Acquaints the owner with each member, then creates the group: everyone is a member at once. */
export async function createGroupOfAcquaintances(baseUrl: string, owner: TestUser, name: string, members: TestUser[]) {
  for (const member of members) await acquaint(baseUrl, owner, member);
  const reply = await api(baseUrl, '/api/v1/groups', { token: owner.token, body: { name, members: members.map((m) => m.handle) } });
  if (reply.status !== 201) throw new Error(`group failed: ${JSON.stringify(reply.body)}`);
  return reply.body.room;
}

/** Every payload of one event a socket receives, in order. */
export function collect<T = any>(socket: TestSocket, event: string): T[] {
  const received: T[] = [];
  (socket as any).on(event, (payload: T) => received.push(payload));
  return received;
}

/**
 * Creates a group and has every listed member accept their invite (the way strangers join one):
 * everyone ends up a member, each joining shown as a system message. Returns the room id.
 */
export async function createGroupAccepted(baseUrl: string, owner: TestUser, name: string, members: TestUser[]): Promise<string> {
  const reply = await api(baseUrl, '/api/v1/groups', { token: owner.token, body: { name, members: members.map((m) => m.handle) } });
  if (reply.status !== 201) throw new Error(`group failed: ${JSON.stringify(reply.body)}`);
  const roomId: string = reply.body.room.id;
  for (const member of members) {
    const accepted = await api(baseUrl, `/api/v1/invites/${roomId}/accept`, { token: member.token, body: {} });
    // 404: added outright (an acquaintance of the owner), no invite to answer.
    if (accepted.status !== 200 && accepted.status !== 404) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  }
  return roomId;
}

/**
 * The sentinel for an absence check: the user renames themself and waits for the echo on `socket`.
 * Whatever the server emitted to that socket before the rename has arrived by then, so a check that
 * something did NOT arrive can be made without sleeping.
 */
export async function selfSentinel(baseUrl: string, user: TestUser, socket: TestSocket) {
  const displayName = `sentinel ${Math.random().toString(36).slice(2, 8)}`;
  const seen = collect(socket, 'user:updated');
  const reply = await api(baseUrl, '/api/v1/me', { method: 'PATCH', token: user.token, body: { displayName } });
  if (reply.status !== 200) throw new Error(`sentinel rename failed: ${JSON.stringify(reply.body)}`);
  await waitFor(() => seen.some((event) => event.displayName === displayName), 10_000, `the sentinel on ${user.handle}'s socket`);
}
