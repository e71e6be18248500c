import { credentialsSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { issueToken } from '@/server/auth/issue-token';
import { publicRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { CLIENT_IP_HEADER, clientIpOf, refuseLockedAddress } from '@/server/safety/rate-limits';

export const POST = publicRoute(
  async (request) => {
    const clientIp = clientIpOf(request.headers.get(CLIENT_IP_HEADER));
    // Before the body is read: a held-back address costs us nothing more.
    await refuseLockedAddress(clientIp);
    const input = parseInput(credentialsSchema, await readJson(request));
    return issueToken(input, clientIp, request.headers.get('user-agent') ?? undefined);
  },
  { status: 201 },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
