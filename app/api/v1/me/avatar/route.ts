import { apiRoute, refuseOtherMethods } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';
import { removeAvatar, setAvatar } from '@/server/users/change-avatar';

// The picture comes as an attachment does (multipart/form-data, field "file"), streamed to the service,
// which counts it against AVATAR_MAX_BYTES (413 too_large with maxBytes) as it arrives.
export const PUT = apiRoute(
  async ({ actor, request }) => ({
    user: await setAvatar(getRuntime(), actor, {
      body: request.body,
      contentType: request.headers.get('content-type'),
      contentLength: request.headers.get('content-length'),
    }),
  }),
  { body: 'any', maxBodyBytes: Number.POSITIVE_INFINITY },
);

export const DELETE = apiRoute(async ({ actor }) => ({ user: await removeAvatar(getRuntime(), actor) }));

export const { GET, POST, PATCH } = refuseOtherMethods('PUT', 'DELETE');
