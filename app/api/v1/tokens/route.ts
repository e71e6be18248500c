import { credentialsSchema } from '@/lib/schemas';
import { parseInput } from '@/lib/validation';
import { issueToken } from '@/server/auth/issue-token';
import { publicRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { CLIENT_IP_HEADER, clientIpOf, limitAuthAttempt } from '@/server/safety/rate-limits';

export const POST = publicRoute(
  async (request) => {
    const input = parseInput(credentialsSchema, await readJson(request));
    await limitAuthAttempt(clientIpOf(request.headers.get(CLIENT_IP_HEADER)), input.username);
    return issueToken(input, request.headers.get('user-agent') ?? undefined);
  },
  { status: 201 },
);

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
