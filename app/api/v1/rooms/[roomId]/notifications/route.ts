import { roomNotificationsSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { setRoomNotifications } from '@/server/notifications/notification-settings';
import { getBroadcaster, getDb } from '@/server/runtime';

export const PATCH = apiRoute<{ roomId: string }>(async ({ actor, params, request }) => ({
  notifications: await setRoomNotifications({ db: getDb(), broadcaster: getBroadcaster() }, actor, params.roomId, parseInput(roomNotificationsSchema, await readJson(request))),
}));

export const { GET, POST, PUT, DELETE } = refuseOtherMethods('PATCH');
