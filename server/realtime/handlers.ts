import { messageDeleteSchema, messageEditSchema, messageSendSchema, presenceQuerySchema, reactionSchema, roomCursorSchema, roomSyncSchema, typingSchema, viewStateSchema } from '@/lib/realtime/contract';
import { addReaction, deleteOwnMessage, editMessage, removeReaction } from '../messages/change-message';
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
  'room:sync': withHandler(roomSyncSchema, (actor, input) => syncRoom(actor, input), { throttle: 'room:sync' }),
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
  // Changes to one message, in the order the client made them.
  'message:edit': withHandler(messageEditSchema, editMessage, { inOrder: true }),
  'message:delete': withHandler(messageDeleteSchema, deleteOwnMessage, { inOrder: true }),
  'reaction:add': withHandler(reactionSchema, addReaction, { inOrder: true }),
  'reaction:remove': withHandler(reactionSchema, removeReaction, { inOrder: true }),
  'view:state': withHandler(viewStateSchema, reportViewState, { inOrder: true }),
};
