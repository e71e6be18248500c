import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';
import { revokeDeviceSession } from '../auth/device-sessions';
import { getBroadcaster, getDb } from '../runtime';

/** Signs one of the caller's sessions out: its token stops working and its sockets are cut now. */
export async function endSession(actor: Actor, sessionId: string): Promise<void> {
  const session = await getDb().deviceSession.findFirst({ where: { id: sessionId, userId: actor.userId, revokedAt: null } });
  if (!session) throw new AppError('not_found', 'No such session.');
  await revokeDeviceSession(session.id);
  await getBroadcaster().disconnectSession(session.id);
}
