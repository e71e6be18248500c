import { messageDeleteSchema, messageEditSchema, messageSendSchema, presenceQuerySchema, reactionSchema, roomCursorSchema, roomSyncSchema, typingSchema, viewElsewhereSchema, viewStateSchema } from '@/lib/realtime/contract';
import { addReaction, deleteOwnMessage, editMessage, removeReaction } from '../messages/change-message';
import { queueSend, type QueuedSend } from '../messages/send-message';
import { errorCode } from '@/lib/errors';
import type { ChatMessage } from '@/lib/schemas';
import { asUnavailable } from '../db/errors';
import { metrics } from '../ops/metrics';
import { syncRoom } from '../messages/sync-room';
import { queryPresence } from '../presence/query-presence';
import { markDelivered } from '../receipts/mark-delivered';
import { markRead } from '../receipts/mark-read';
import { relayTyping } from './relay-typing';
import { activeElsewhere, reportViewState } from './report-view-state';
import { type Queued, withHandler, withQueuedHandler } from './with-handler';

/** Client event name → handler factory. Each stays a thin call into one service. */
export const socketHandlers = {
  'message:send': withQueuedHandler(messageSendSchema, (actor, input) => timedSend(() => queueSend(actor, input))),
  'room:sync': withHandler(
    roomSyncSchema,
    async (actor, input) => {
      const page = await syncRoom(actor, input);
      metrics().catchUpPages.inc();
      return page;
    },
    { throttle: 'room:sync' },
  ),
  'room:read': withHandler(roomCursorSchema, (actor, input) => markRead(actor, input.roomId, input.seq), { throttle: 'room:read' }),
  'room:delivered': withHandler(
    roomCursorSchema,
    async (actor, input) => {
      await markDelivered(actor, input.roomId, input.seq);
      return {};
    },
    { throttle: 'room:delivered' },
  ),
  'presence:query': withHandler(presenceQuerySchema, async (actor, input) => ({ statuses: await queryPresence(actor, input.handles) }), { throttle: 'presence:query' }),
  typing: withHandler(typingSchema, relayTyping, { throttle: 'typing' }),
  // Changes to messages, in the order the client made them (one line for all four: add, then remove).
  'message:edit': withHandler(messageEditSchema, editMessage, { line: 'changes' }),
  'message:delete': withHandler(messageDeleteSchema, deleteOwnMessage, { line: 'changes' }),
  'reaction:add': withHandler(reactionSchema, addReaction, { line: 'changes' }),
  'reaction:remove': withHandler(reactionSchema, removeReaction, { line: 'changes' }),
  'view:state': withHandler(viewStateSchema, reportViewState, { line: 'view' }),
  'view:elsewhere': withHandler(viewElsewhereSchema, activeElsewhere, { line: 'view' }),
};

// Send-to-ack latency, by outcome: ok, or the code the ack carries (a database outage `unavailable`,
// anything unknown `internal`), never a driver's own code (P2010, ECONNREFUSED, a SQLSTATE): the label set
// stays ours and bounded. The classified error goes on to the ack, which keeps it as it is.
async function timedSend(queue: () => Promise<QueuedSend>): Promise<Queued<{ message: ChatMessage }>> {
  const stop = metrics().sendAckSeconds.startTimer();
  const failed = (error: unknown) => {
    const classified = asUnavailable(error);
    stop({ outcome: errorCode(classified) });
    return classified;
  };
  try {
    const { stored } = await queue();
    return {
      done: stored.then(
        (message) => {
          stop({ outcome: 'ok' });
          return { message };
        },
        (error) => {
          throw failed(error);
        },
      ),
    };
  } catch (error) {
    throw failed(error);
  }
}
