import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { uploadAttachment } from '@/server/attachments/upload-attachment';
import { getRuntime } from '@/server/runtime';

type Params = { roomId: string };

// The body is streamed to the service as it arrives (multipart/form-data, field "file"), never read whole here.
export const POST = apiRoute<Params>(
  async ({ actor, params, request }) => ({
    attachment: await uploadAttachment(getRuntime(), actor, {
      roomId: params.roomId,
      body: request.body,
      contentType: request.headers.get('content-type'),
      contentLength: request.headers.get('content-length'),
    }),
  }),
  { status: 201 },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
