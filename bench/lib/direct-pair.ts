import { api, connect, createUser, type TestSocket } from '../../tests/helpers/clients';

/**
 * Two new users with a direct conversation both have accepted, each connected to the node: `out` sends,
 * `inbox` receives. The first message (a request) is sent and accepted here.
 */
export async function directPair(url: string, index: number): Promise<{ out: TestSocket; inbox: TestSocket; roomId: string }> {
  const [sender, reader] = await Promise.all([createUser(url, `s${index}`), createUser(url, `r${index}`)]);
  const [out, inbox] = await Promise.all([connect(url, { token: sender.token }), connect(url, { token: reader.token })]);
  const first = await out.timeout(10_000).emitWithAck('message:send', { to: reader.handle, clientMsgId: 'hello', body: 'hello' });
  await api(url, `/api/v1/requests/${first.message.roomId}/accept`, { method: 'POST', token: reader.token });
  return { out, inbox, roomId: first.message.roomId as string };
}
