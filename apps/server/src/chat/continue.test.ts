import { describe, expect, it } from 'vitest';
import { needsSpace } from './plan.ts';

describe('joining a continuation written as a new reply', () => {
  it.each([
    ['The capital of France is', 'Paris.', true],
    ['It ends here.', 'Then more', true],
    ['a list:', '1. first', true],
    ['He said "yes"', 'and left', true],
    ['Ends with a space ', 'next', false],
    ['Ends with a line\n', 'next', false],
    ['Already spaced', ' next', false],
    ['巴黎是法国的', '首都。', false],
    ['function f(', 'x) {', false],
    ['value', '\n\nNext paragraph', false],
  ])('%j + %j needs a space: %s', (before, next, expected) => {
    expect(needsSpace(before, next)).toBe(expected);
  });
});
