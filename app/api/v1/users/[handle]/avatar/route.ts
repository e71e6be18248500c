import { apiRoute, refuseOtherMethods, searchParams } from '@/server/http/api-route';
import { getRuntime } from '@/server/runtime';
import { openAvatar } from '@/server/users/open-avatar';

type Params = { handle: string };

// ?v= is the picture's version, as avatarUrl gives it.
export const GET = apiRoute<Params>(async ({ actor, params, request }) => openAvatar(getRuntime(), actor, params.handle, searchParams(request).v));

export const { POST, PUT, PATCH, DELETE } = refuseOtherMethods('GET');
