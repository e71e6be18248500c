import { z } from 'zod';
import { AppError } from './errors';

/** Parses input with a schema, turning the first problem into a readable `bad_request`. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const nul = pathToNul(input);
  if (nul) throw new AppError('bad_request', `${nul.length ? `${nul.join('.')}: ` : ''}must not contain the NUL control character`);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new AppError('bad_request', `${where}${issue?.message ?? 'invalid input'}`);
}

// Postgres cannot store a NUL character in text: any input holding one is refused here, whatever its
// schema, instead of failing as a 500 in the database.
function pathToNul(value: unknown, path: string[] = [], depth = 0): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object' || depth > 8) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = pathToNul(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}
