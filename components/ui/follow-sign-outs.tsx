'use client';

import { useEffect } from 'react';
import { followSignOuts } from '@/lib/sign-out';

/** On pages without the chat's socket (settings, moderation): a sign-out in another tab takes this one along. */
export function FollowSignOuts() {
  useEffect(followSignOuts, []);
  return null;
}
