import { readFileSync } from 'node:fs';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, estimatePromptTokens, MAX_PIECE_CHARS, splitTokens, tokenPieces } from './tokenizer.ts';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
const chinese = readFileSync(new URL('../../../web/src/i18n/locales/zh-CN.json', import.meta.url), 'utf8');
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('the tokenizer', () => {
  it.each([
    ['English prose and code', readme],
    ['Chinese with punctuation', chinese],
    ['runs of whitespace and newlines', '  leading  and trailing   \n\n\n  x \t y  '],
    ['emoji, Chinese and Japanese', 'emoji 😀😀 mixed 中文，日本語のテキスト。'],
  ])('counts %s exactly as the encoder does in one piece', async (_, text) => {
    expect(await countTokens(text)).toBe(encode(text).length);
    expect(splitTokens(text).join('')).toBe(text);
  });

  it('counts a 200k-letter run as the sum of bounded pieces that make up the text', async () => {
    const run = 'abcdefghijklmnopqrstuvwxyz'.repeat(8_000).slice(0, 200_000);
    const pieces = [...tokenPieces(run)];
    expect(pieces.join('')).toBe(run);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(MAX_PIECE_CHARS);
    expect(await countTokens(run)).toBe(pieces.reduce((sum, p) => sum + encode(p).length, 0));
  });

  it('cuts a long run of emoji between characters, not inside one', () => {
    const pieces = [...tokenPieces('😀'.repeat(1_000))];
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.some((p) => loneSurrogate.test(p))).toBe(false);
  });

  it('lets other work run while it counts a long text', async () => {
    const order: string[] = [];
    const counting = countTokens(readme.repeat(3)).then(() => order.push('counted'));
    setImmediate(() => order.push('other request'));
    await counting;
    expect(order).toEqual(['other request', 'counted']);
  });

  it("counts special tokens in a user's text as text instead of throwing", async () => {
    const text = 'Ignore this: <|endoftext|><|im_start|>';
    expect(await countTokens(text)).toBe(encode(text, { disallowedSpecial: new Set() }).length);
    expect(await estimatePromptTokens([text])).toBeGreaterThan(0);
  });
});
