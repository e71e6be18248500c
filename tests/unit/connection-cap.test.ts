import { describe, expect, it } from 'vitest';
import { connectionCap } from '@/server/ops/connection-cap';

const limits = (soft: number) => `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft}                ${soft}                files     \n`;

describe('connectionCap', () => {
  it('leaves a tenth of the open-file limit, at least 256, for the node’s own files and connections', () => {
    expect(connectionCap(undefined, limits(20_000))).toBe(18_000);
    expect(connectionCap(undefined, limits(1_024))).toBe(768);
  });

  it('takes MAX_CONNECTIONS as configured, and sets no cap where the limit cannot be read', () => {
    expect(connectionCap(50_000, limits(1_024))).toBe(50_000);
    expect(connectionCap(undefined, '')).toBe(Infinity);
  });
});
