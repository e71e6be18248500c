import { describe, expect, it } from 'vitest';
import { clockTime, dayLabel, makeFormats, shortDate, timeOf, timeWithDay } from '@/lib/dates';

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

describe('dayLabel: a stamp a little ahead of the reader’s clock', () => {
  it('is today when it is the next day by a few minutes (a slow clock near midnight), and dated when further', () => {
    const beforeMidnight = new Date(2026, 11, 7, 23, 59);
    expect(dayLabel(new Date(2026, 11, 8, 0, 1), beforeMidnight)).toBe('Today');
    expect(dayLabel(new Date(2026, 11, 10, 12), beforeMidnight)).toMatch(/December 10, 2026/);
  });
});

describe('timeWithDay', () => {
  it('says the day of a moment that is not today: yesterday, tomorrow, else the date', () => {
    const now = new Date(2026, 11, 7, 23, 58);
    expect(timeWithDay(new Date(2026, 11, 7, 9, 5), now)).toBe(timeOf(new Date(2026, 11, 7, 9, 5)));
    expect(timeWithDay(new Date(2026, 11, 8, 7, 58), now)).toMatch(/^tomorrow \d\d:58/);
    expect(timeWithDay(new Date(2026, 11, 6, 21, 40), now)).toMatch(/^yesterday \d\d:40/);
    expect(timeWithDay(new Date(2026, 11, 1, 14, 2), now)).toMatch(/^Dec 1, \d\d:02/);
  });
});

describe('clockTime', () => {
  it('gives a wall-clock "HH:MM" on the reader’s clock, as timeOf does', () => {
    expect(clockTime('22:30')).toBe(timeOf(new Date(2000, 0, 1, 22, 30)));
    expect(clockTime('06:05')).toMatch(/06:05/);
  });
});

describe('the reader’s clock', () => {
  const fiveAfterMidnight = new Date(2026, 0, 1, 0, 5);
  it('is 00:05 on a 24-hour clock, not 24:05 (plain English on a German browser, say)', () => {
    expect(makeFormats({ locale: 'en', hourCycle: 'h23' }).time.format(fiveAfterMidnight)).toBe('00:05');
    expect(makeFormats({ locale: 'en', hourCycle: 'h23' }).fullDateTime.format(fiveAfterMidnight)).toContain('00:05');
  });
  it('is 12:05 AM on a 12-hour clock', () => {
    expect(makeFormats({ locale: 'en-US', hourCycle: 'h12' }).time.format(fiveAfterMidnight)).toBe('12:05 AM');
  });
});
