import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { answerInvite } from '@/server/groups/group-invites';

export const POST = apiRoute<{ roomId: string }>(({ actor, params }) => answerInvite(actor, params.roomId, 'accept'));

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
