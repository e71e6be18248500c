import type { Socket } from 'socket.io';
import type { Actor } from '../auth/authenticate';
import { errorReason } from '../db/errors';
import type { ViewState } from '../notifications/view-state';
import { log } from '../ops/logger';
import { getRuntime } from '../runtime';
import { trackViewing } from './hybrid-fanout';

const tracked = new WeakSet<Socket>();

/**
 * Records where the socket's tab is looking, until it changes or the socket goes: for push
 * notifications, and for hybrid fan-out (a hot room's messages go live to the tabs showing it).
 */
export async function reportViewState(actor: Actor, input: ViewState, socket: Socket): Promise<Record<string, never>> {
  trackViewing(socket, actor.userId, input.visible ? input.roomId : null);
  const { views } = getRuntime().notifications;
  if (!tracked.has(socket)) {
    tracked.add(socket);
    socket.once('disconnect', () => void views.disconnected(actor.userId, socket.id).catch((error) => log().error({ socketId: socket.id, err: errorReason(error) }, 'view state failed')));
  }
  await views.report(actor.userId, socket.id, input);
  return {};
}

/** Whether another socket of the user shows a conversation, visible and focused: then this tab stays quiet. */
export async function activeElsewhere(actor: Actor, _input: Record<string, never>, socket: Socket): Promise<{ active: boolean }> {
  return { active: await getRuntime().notifications.views.activeElsewhere(actor.userId, socket.id) };
}
