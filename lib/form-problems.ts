import type { z } from 'zod';

/**
 * The first problem a shared schema finds in a form's input, in words: the field's label, then the
 * schema's own message ("The group name must not be empty."). The server says the same with the field's
 * name ("name: must not be empty"), which is for API clients, not people; checking here first also saves
 * the round trip. `label` names the field at an issue's path.
 */
export function problemInWords<T extends z.ZodType>(schema: T, input: unknown, label: (path: PropertyKey[]) => string): string | null {
  return problemsInWords(schema, input, label)[0] ?? null;
}

/** The first problem of each field, in words: a form with several wrong fields says so at once. */
export function problemsInWords<T extends z.ZodType>(schema: T, input: unknown, label: (path: PropertyKey[]) => string): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  const byField = new Map<PropertyKey, string>();
  for (const issue of result.error.issues) {
    const field = issue.path[0] ?? '';
    if (!byField.has(field)) byField.set(field, `${label(issue.path)} ${issue.message.replace(/\.$/, '')}.`);
  }
  return [...byField.values()];
}
