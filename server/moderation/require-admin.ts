import { AppError } from '@/lib/errors';
import type { Actor } from '../auth/authenticate';

export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'admin') throw new AppError('forbidden', 'Moderators only.');
}
