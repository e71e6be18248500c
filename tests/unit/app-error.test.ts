import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { toErrorBody } from '@/server/ops/error-body';

// server.ts and Next's bundled route handlers each load lib/errors.ts: an AppError made by one copy
// must keep its code when the other maps it to a response.
describe('AppError across copies of the module', () => {
  it('keeps the code of an AppError from another copy of the class', async () => {
    // @ts-expect-error a query string makes Vite load a second, separate copy of the module
    const foreign = (await import('../../lib/errors.ts?second-copy')) as typeof import('@/lib/errors');
    expect(foreign.AppError).not.toBe(AppError);
    const busy = new foreign.AppError('unavailable', 'The server is busy; try again in a moment.');
    expect(busy instanceof AppError).toBe(true);
    expect(toErrorBody(busy)).toEqual({ code: 'unavailable', message: 'The server is busy; try again in a moment.' });
  });

  it('is not fooled by other errors, and subclasses still check their own prototype', async () => {
    expect(new Error('plain') instanceof AppError).toBe(false);
    expect(toErrorBody(Object.assign(new Error('x'), { code: 'unavailable' })).code).toBe('internal');
    class Narrower extends AppError {}
    expect(new AppError('forbidden', 'no') instanceof Narrower).toBe(false);
    expect(new Narrower('forbidden', 'no') instanceof AppError).toBe(true);
  });
});
