import { notificationSettingsSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { getNotificationSettings, updateNotificationSettings } from '@/server/notifications/notification-settings';
import { getBroadcaster, getDb } from '@/server/runtime';

export const GET = apiRoute(async ({ actor }) => getNotificationSettings(getDb(), actor));

export const PATCH = apiRoute(async ({ actor, request }) =>
  updateNotificationSettings({ db: getDb(), broadcaster: getBroadcaster() }, actor, parseInput(notificationSettingsSchema, await readJson(request))),
);

export const { POST, PUT, DELETE } = refuseOtherMethods('GET', 'PATCH');
