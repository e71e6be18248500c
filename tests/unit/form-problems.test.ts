import { describe, expect, it } from 'vitest';
import { problemInWords, problemsInWords } from '@/lib/form-problems';
import { signUpSchema } from '@/lib/schemas';

const label = ([field]: PropertyKey[]) => (field === 'password' ? 'Password' : field === 'username' ? 'Username' : 'Display name');

describe('form problems in words', () => {
  it('says the first problem of every wrong field, in the form order', () => {
    const problems = problemsInWords(signUpSchema, { username: 'a b!', password: '123' }, label);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Username /);
    expect(problems[1]).toBe('Password must be at least 8 characters.');
    expect(problemInWords(signUpSchema, { username: 'a b!', password: '123' }, label)).toBe(problems[0]);
  });

  it('says nothing of a right form', () => {
    expect(problemsInWords(signUpSchema, { username: 'alice', password: 'long enough' }, label)).toEqual([]);
    expect(problemInWords(signUpSchema, { username: 'alice', password: 'long enough' }, label)).toBeNull();
  });
});
