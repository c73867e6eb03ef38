import type { MessagePart } from '@tessera/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { partsOf, streamStore, withDelta, withPart } from './stream-store.ts';

describe('withDelta', () => {
  it('starts a new part of its kind one past the end', () => {
    const parts = withDelta([], 0, 'reasoning', 'Let me');
    expect(parts).toEqual([{ type: 'reasoning', text: 'Let me' }]);
    expect(withDelta(parts, 1, 'text', 'Hello')).toEqual([
      { type: 'reasoning', text: 'Let me' },
      { type: 'text', text: 'Hello' },
    ]);
  });

  it('appends to an existing part, copying only that part', () => {
    const reasoning: MessagePart = { type: 'reasoning', text: 'Let me think' };
    const text: MessagePart = { type: 'text', text: 'Hel' };
    const before = [reasoning, text];
    const after = withDelta(before, 1, 'text', 'lo');
    expect(after).toEqual([reasoning, { type: 'text', text: 'Hello' }]);
    expect(after).not.toBe(before);
    expect(after[0]).toBe(reasoning); // unchanged parts keep their identity: their renderers skip
    expect(after[1]).not.toBe(text);
    expect(text).toEqual({ type: 'text', text: 'Hel' }); // the cached message's part is not touched
  });

  it('ignores a delta for a part of another kind, or beyond the end', () => {
    const before: MessagePart[] = [{ type: 'reasoning', text: 'a' }];
    expect(withDelta(before, 0, 'text', 'b')).toBe(before);
    expect(withDelta(before, 2, 'text', 'b')).toBe(before);
    expect(withDelta(before, -1, 'text', 'b')).toBe(before);
  });
});

describe('withPart', () => {
  const call: MessagePart = { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { q: 'x' } };
  const result: MessagePart = { type: 'tool-result', toolCallId: 'c1', toolName: 'search', output: [1, 2] };

  it('adds a whole part one past the end and replaces one in place', () => {
    const text: MessagePart = { type: 'text', text: 'Looking it up.' };
    const added = withPart([text], 1, call);
    expect(added).toEqual([text, call]);
    const replaced = withPart(added, 1, result);
    expect(replaced).toEqual([text, result]);
    expect(replaced[0]).toBe(text);
    expect(added).toEqual([text, call]);
  });

  it('ignores an index beyond the end', () => {
    const before: MessagePart[] = [];
    expect(withPart(before, 1, call)).toBe(before);
  });
});

describe('partsOf', () => {
  it('reads parts, or the text of a message saved before parts', () => {
    const parts: MessagePart[] = [{ type: 'text', text: 'hi' }];
    expect(partsOf({ parts, content: 'hi' })).toBe(parts);
    expect(partsOf({ parts: [], content: 'old' })).toEqual([{ type: 'text', text: 'old' }]);
    expect(partsOf({ parts: [], content: '' })).toEqual([]);
  });
});

describe('streamStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('applies start, deltas, parts and a snapshot, notifying only that message', () => {
    const seen: string[] = [];
    const stopA = streamStore.subscribe('a', () => seen.push('a'));
    const stopB = streamStore.subscribe('b', () => seen.push('b'));
    streamStore.start('a', []);
    streamStore.delta('a', 0, 'reasoning', 'Think');
    streamStore.delta('a', 0, 'reasoning', 'ing');
    streamStore.delta('a', 1, 'text', 'Hi');
    streamStore.part('a', 2, { type: 'citation', sourceId: 's1', url: 'https://example.com' });
    expect(streamStore.get('a')).toEqual([
      { type: 'reasoning', text: 'Thinking' },
      { type: 'text', text: 'Hi' },
      { type: 'citation', sourceId: 's1', url: 'https://example.com' },
    ]);
    expect(seen).toEqual(['a', 'a', 'a', 'a', 'a']);

    // A reconnect: the server's picture replaces ours, and deltas go on from it.
    streamStore.snapshot('a', [
      { type: 'reasoning', text: 'Thinking hard' },
      { type: 'text', text: 'Hi there' },
    ]);
    streamStore.delta('a', 1, 'text', '!');
    expect(streamStore.get('a')).toEqual([
      { type: 'reasoning', text: 'Thinking hard' },
      { type: 'text', text: 'Hi there!' },
    ]);

    // A delta that changes nothing notifies no one.
    const count = seen.length;
    streamStore.delta('a', 5, 'text', 'lost');
    expect(seen).toHaveLength(count);

    streamStore.delete('a');
    expect(streamStore.get('a')).toBeUndefined();
    expect(seen.filter((s) => s === 'b')).toEqual([]);
    stopA();
    stopB();
  });

  it('does not change the parts a generation started from (the cached message)', () => {
    const saved: MessagePart[] = [{ type: 'text', text: 'Cut off here' }];
    streamStore.start('continued', saved);
    streamStore.delta('continued', 0, 'text', ', and continued.');
    expect(streamStore.get('continued')).toEqual([{ type: 'text', text: 'Cut off here, and continued.' }]);
    expect(saved).toEqual([{ type: 'text', text: 'Cut off here' }]);
    streamStore.delete('continued');
  });

  it('times reasoning from its first delta to the next part', () => {
    vi.useFakeTimers({ now: 0 });
    streamStore.start('r', []);
    streamStore.delta('r', 0, 'reasoning', 'Hmm');
    vi.setSystemTime(2_400);
    streamStore.delta('r', 0, 'reasoning', ', well');
    expect(streamStore.thoughtSeconds('r', 0)).toBeUndefined();
    vi.setSystemTime(4_600);
    streamStore.delta('r', 1, 'text', 'Answer');
    streamStore.delete('r');
    expect(streamStore.thoughtSeconds('r', 0)).toBe(5);

    // A reply that only reasoned: its reasoning ends with the stream.
    streamStore.start('only', []);
    streamStore.delta('only', 0, 'reasoning', 'Hmm');
    vi.setSystemTime(4_700);
    streamStore.delete('only');
    expect(streamStore.thoughtSeconds('only', 0)).toBe(1);

    // Joined mid-thought (a snapshot): the start is unknown, so no duration is made up.
    streamStore.snapshot('late', [{ type: 'reasoning', text: 'Hm' }]);
    streamStore.delta('late', 1, 'text', 'A');
    streamStore.delete('late');
    expect(streamStore.thoughtSeconds('late', 0)).toBeUndefined();
  });

  it('keeps the output-limit notice after the stream, until the message streams again', () => {
    const notice = { code: 'OUTPUT_LIMIT_LOWERED' as const, maxOutputTokens: 900, requested: 4096 };
    streamStore.start('n', []);
    streamStore.notice('n', notice);
    streamStore.delete('n');
    expect(streamStore.getNotice('n')).toEqual(notice);
    streamStore.start('n', []);
    expect(streamStore.getNotice('n')).toBeUndefined();
    streamStore.delete('n');
  });
});
