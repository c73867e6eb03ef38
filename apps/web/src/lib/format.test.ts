import { describe, expect, it } from 'vitest';
import { formatMoney, splitDuration } from './format.ts';

describe('number formatting', () => {
  it('formats minor units in the UI language and the package currency', () => {
    expect(formatMoney(3500, 'cny', 'zh-CN')).toBe('¥35.00');
    expect(formatMoney(3500, 'cny', 'en')).toBe('CN¥35.00');
    expect(formatMoney(1999, 'usd', 'en')).toBe('$19.99');
    expect(formatMoney(500, 'jpy', 'en')).toBe('¥500');
    expect(formatMoney(550.5, 'cny', 'en')).toBe('CN¥5.51');
  });

  it('splits a countdown into hours, minutes and seconds, rounding up', () => {
    expect(splitDuration(23 * 3_600_000 + 2 * 60_000 + 23_001)).toEqual({ h: 23, m: 2, s: 24 });
    expect(splitDuration(0)).toEqual({ h: 0, m: 0, s: 0 });
    expect(splitDuration(-5)).toEqual({ h: 0, m: 0, s: 0 });
  });
});
