import { errorReason } from '../db/errors';
import { log } from '../ops/logger';
import type { Broadcaster } from '../realtime/broadcaster';
import type { Notifier } from './notifier';

/**
 * Every path that stores a message (group commit, the careful send, a released held message)
 * announces it with one `message:new` to its audience after the commit, and only then: that one
 * call is where push notifications hook in, so no send path can forget them, and none waits on them.
 */
export function notifyingBroadcaster(inner: Broadcaster, notifier: Notifier): Broadcaster {
  return {
    ...inner,
    toUsers(userIds, event, ...args) {
      inner.toUsers(userIds, event, ...args);
      if (event === 'message:new') {
        try {
          notifier.messageStored((args[0] as { message: Parameters<Notifier['messageStored']>[0] }).message, userIds);
        } catch (error) {
          log().error({ err: errorReason(error) }, 'notify failed');
        }
      }
    },
  };
}
