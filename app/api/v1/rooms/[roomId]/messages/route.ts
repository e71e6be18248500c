import { messagePageSchema, restSendSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { listMessages } from '@/server/messages/list-messages';
import { sendMessage } from '@/server/messages/send-message';

type Params = { roomId: string };

export const GET = apiRoute<Params>(async ({ actor, params, request }) =>
  listMessages(actor, params.roomId, parseInput(messagePageSchema, searchParams(request))),
);

// The same service as the socket's message:send: stored, deduplicated and pushed live alike.
export const POST = apiRoute<Params>(
  async ({ actor, params, request }) => {
    const input = parseInput(restSendSchema, await readJson(request));
    return { message: await sendMessage(actor, { roomId: params.roomId, ...input }) };
  },
  { status: 201 },
);

export const { PUT, PATCH, DELETE } = refuseOtherMethods('GET', 'POST');
