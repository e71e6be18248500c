import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { uploadAttachment } from '@/server/attachments/upload-attachment';
import { getRuntime } from '@/server/runtime';

type Params = { roomId: string };

// The body is streamed to the service as it arrives (multipart/form-data, field "file"), never read whole here.
export const POST = apiRoute<Params>(
  async ({ actor, params, request }) =>
    uploadAttachment(getRuntime(), actor, {
      roomId: params.roomId,
      body: request.body,
      contentType: request.headers.get('content-type'),
      contentLength: request.headers.get('content-length'),
    }),
  // Not JSON, and as large as ATTACHMENT_MAX_BYTES plus the multipart framing: the upload service counts
  // the file's bytes against that limit itself (413 too_large with maxBytes) as they stream.
  { status: 201, body: 'any', maxBodyBytes: Number.POSITIVE_INFINITY },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
