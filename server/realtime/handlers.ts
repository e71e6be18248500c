import { messageSendSchema, presenceQuerySchema, roomCursorSchema, roomSyncSchema, typingSchema, viewStateSchema } from '@/lib/realtime/contract';
import { sendMessage } from '../messages/send-message';
import { syncRoom } from '../messages/sync-room';
import { queryPresence } from '../presence/query-presence';
import { markDelivered } from '../receipts/mark-delivered';
import { markRead } from '../receipts/mark-read';
import { relayTyping } from './relay-typing';
import { reportViewState } from './report-view-state';
import { withHandler } from './with-handler';

/** Client event name → handler factory. Each stays a thin call into one service. */
export const socketHandlers = {
  'message:send': withHandler(messageSendSchema, async (actor, input) => ({ message: await sendMessage(actor, input) }), { inOrder: true }),
  'room:sync': withHandler(roomSyncSchema, (actor, input) => syncRoom(actor, input)),
  'room:read': withHandler(roomCursorSchema, (actor, input) => markRead(actor, input.roomId, input.seq)),
  'room:delivered': withHandler(roomCursorSchema, async (actor, input) => {
    await markDelivered(actor, input.roomId, input.seq);
    return {};
  }),
  'presence:query': withHandler(presenceQuerySchema, async (actor, input) => ({ statuses: await queryPresence(actor, input.handles) })),
  typing: withHandler(typingSchema, relayTyping),
  'view:state': withHandler(viewStateSchema, reportViewState, { inOrder: true }),
};
