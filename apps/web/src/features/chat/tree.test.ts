import type { Message } from '@tessera/shared';
import { describe, expect, it } from 'vitest';
import { activePath, buildTree, newestLeaf, siblingsOf } from './tree.ts';

let clock = 0;
function msg(id: string, parentId: string | null, role: Message['role'] = 'user'): Message {
  clock += 1;
  return {
    id,
    conversationId: 'c',
    parentId,
    role,
    content: id,
    parts: [{ type: 'text', text: id }],
    status: 'complete',
    error: null,
    endpoint: null,
    model: null,
    usage: null,
    cost: null,
    finishReason: null,
    ttftMs: null,
    durationMs: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
  };
}

describe('message tree', () => {
  const messages = [
    msg('u1', null),
    msg('a1', 'u1', 'assistant'),
    msg('a1b', 'u1', 'assistant'),
    msg('u2', 'a1'),
    msg('a2', 'u2', 'assistant'),
    msg('u2b', 'a1b'),
  ];
  const tree = buildTree(messages);

  it('follows currentLeafId', () => {
    expect(activePath(tree, 'a2').map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
  it('falls back to the newest branch', () => {
    expect(activePath(tree, null).map((m) => m.id)).toEqual(['u1', 'a1b', 'u2b']);
    expect(activePath(tree, 'missing').map((m) => m.id)).toEqual(['u1', 'a1b', 'u2b']);
  });
  it('extends a leaf that got children', () => {
    expect(activePath(tree, 'a1').map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
  it('lists siblings oldest first and finds the newest descendant', () => {
    const a1 = tree.byId.get('a1')!;
    expect(siblingsOf(tree, a1).map((m) => m.id)).toEqual(['a1', 'a1b']);
    expect(newestLeaf(tree, a1).id).toBe('a2');
  });
  it('handles an empty conversation', () => {
    expect(activePath(buildTree([]), null)).toEqual([]);
  });
});
