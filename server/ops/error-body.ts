import { AppError, type ErrorBody } from '@/lib/errors';
import { log } from './logger';

/**
 * Turns any thrown value into a safe body: known errors keep their code, the rest say `internal`, with no
 * details to the client, and are logged (with their stack: each one is a bug).
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...error.extra };
  log().error({ err: error }, 'unexpected error');
  return { code: 'internal', message: 'Something went wrong on our side.' };
}
