import { z } from 'zod';
import { parseInput } from '@/lib/validation';
import { apiRoute, readJson, refuseOtherMethods } from '@/server/http/api-route';
import { decideHeld } from '@/server/moderation/held-messages';

const decisionSchema = z.strictObject({ action: z.enum(['release', 'discard']), reason: z.string().trim().max(500).default('') });

export const POST = apiRoute<{ heldId: string }>(async ({ actor, params, request }) => {
  const { action, reason } = parseInput(decisionSchema, await readJson(request));
  return decideHeld(actor, params.heldId, action, reason);
}, { adminOnly: true });

export const { GET, PUT, PATCH, DELETE } = refuseOtherMethods('POST');
