import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { answerRequest } from '@/server/safety/message-requests';

export const POST = apiRoute<{ roomId: string }>(({ actor, params }) => answerRequest(actor, params.roomId, 'ignore'));

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
