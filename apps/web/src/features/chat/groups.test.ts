import { describe, expect, it } from 'vitest';
import type { Conversation } from '@tessera/shared';
import { groupOf } from './ConversationList.tsx';

const now = new Date(2026, 10, 24, 15, 0); // 24 Nov 2026, 15:00 local time
const at = (daysAgo: number, hour = 12, pinned = false) =>
  ({ updatedAt: new Date(2026, 10, 24 - daysAgo, hour).toISOString(), pinned }) as Conversation;

describe('sidebar groups', () => {
  it('puts a conversation under the calendar day it was last used', () => {
    expect(groupOf(at(0, 0), now)).toBe('today');
    expect(groupOf(at(1, 23), now)).toBe('yesterday');
    expect(groupOf(at(1, 0), now)).toBe('yesterday');
    expect(groupOf(at(2), now)).toBe('week');
    expect(groupOf(at(7, 1), now)).toBe('week');
    expect(groupOf(at(8), now)).toBe('month');
    expect(groupOf(at(30, 1), now)).toBe('month');
    expect(groupOf(at(31), now)).toBe('older');
  });

  it('keeps pinned conversations together whatever their age', () => {
    expect(groupOf(at(0, 12, true), now)).toBe('pinned');
    expect(groupOf(at(400, 12, true), now)).toBe('pinned');
  });
});
