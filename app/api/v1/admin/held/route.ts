import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { listHeld } from '@/server/moderation/held-messages';

export const GET = apiRoute(async ({ actor }) => ({ held: await listHeld(actor) }), { adminOnly: true });

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
