import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { openAttachment } from '@/server/attachments/open-attachment';
import { getRuntime } from '@/server/runtime';

type Params = { id: string };

// ?thumb=1 serves an image's thumbnail.
export const GET = apiRoute<Params>(async ({ actor, params, request }) =>
  openAttachment(getRuntime(), actor, params.id, ['1', 'true'].includes(searchParams(request).thumb ?? '')),
);

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
