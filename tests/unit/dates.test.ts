import { describe, expect, it } from 'vitest';
import { dayLabel, shortDate } from '@/lib/dates';

describe('shortDate', () => {
  it('gives the year of a day in another year, which would otherwise read as this one', () => {
    const now = new Date(2026, 11, 6, 12);
    expect(shortDate(new Date(2026, 0, 5), now)).not.toMatch(/2026/);
    expect(shortDate(new Date(2025, 11, 5), now)).toMatch(/2025/);
  });
});

describe('dayLabel', () => {
  it('says Today and Yesterday by the calendar day, not by 24 hours', () => {
    const justAfterMidnight = new Date(2026, 11, 7, 0, 0, 5);
    expect(dayLabel(new Date(2026, 11, 6, 23, 59), justAfterMidnight)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 11, 7, 0, 0, 1), justAfterMidnight)).toBe('Today');
  });
});
