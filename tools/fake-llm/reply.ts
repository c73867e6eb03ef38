import { countTokens, decode, encode } from 'gpt-tokenizer';
import type { Behaviour } from './behaviour.ts';

/**
 * Reply text and token accounting. One "token" is one o200k_base token (gpt-tokenizer's default encoding), used
 * for every provider: the reported completion tokens equal `countTokens(reply)`, prompt tokens are the sum of
 * `countTokens` over every text the request carried (system prompt, instructions, all messages).
 */

const LOREM =
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis exercitation laboris nisi ex ea commodo consequat aute in reprehenderit ' +
  'voluptate velit esse fugiat nulla pariatur sint non sunt culpa qui officia deserunt anim id est laborum';

/** Words that are exactly one token with their leading space, so any prefix of a reply re-tokenizes identically. */
const WORDS = LOREM.split(' ')
  .map((w) => ` ${w}`)
  .filter((w) => encode(w).length === 1);

export interface ReplyLimits {
  /** The request's max output tokens (max_tokens, max_output_tokens, maxOutputTokens, maxTokens). */
  maxTokens?: number | null | undefined;
  /** Stop sequences the request asked for. */
  stop?: readonly string[] | null | undefined;
}

/** Visible reasoning, streamed before the answer. */
export interface ThinkingPlan {
  /** One element per token, like the answer's. */
  pieces: string[];
  text: string;
  tokens: number;
}

export interface ReplyPlan {
  /** The visible reasoning before the answer (no pieces when the behaviour asks for none). */
  thinking: ThinkingPlan;
  /** What is streamed: one element per token (several tokens only when one character spans tokens). */
  pieces: string[];
  /** Reply text = pieces.join(''). */
  text: string;
  /** Completion tokens to report. */
  tokens: number;
  /** Why the reply ended: complete, cut by the max-output-token limit, or cut at a stop sequence. */
  finish: 'stop' | 'length' | 'stop_sequence';
  stopSequence: string | null;
}

/** Split token ids into printable pieces, one per token unless a multi-byte character spans tokens. */
function piecesOf(ids: readonly number[]): { text: string; tokens: number }[] {
  const out: { text: string; tokens: number }[] = [];
  let group: number[] = [];
  for (const id of ids) {
    group.push(id);
    const text = decode(group);
    if (!text.endsWith('\uFFFD') || group.length >= 4) {
      out.push({ text, tokens: group.length });
      group = [];
    }
  }
  if (group.length > 0) out.push({ text: decode(group), tokens: group.length });
  return out;
}

/**
 * The deterministic generated reply: "Fake reply <seed>: lorem ipsum …", exactly `tokens` tokens long
 * (`label` "Fake thinking" for the visible reasoning).
 */
export function generatedPieces(
  seed: number,
  tokens: number,
  label = 'Fake reply',
): { text: string; tokens: number }[] {
  const prefix = piecesOf(encode(`${label} ${seed}:`));
  const pieces = prefix.slice(0, tokens);
  let wordIndex = (seed * 7) % WORDS.length;
  for (let i = 0; pieces.length < tokens; i++) {
    // A comma or full stop after some words, never two punctuation marks in a row.
    if (i % 9 === 8 && pieces.length < tokens - 1) pieces.push({ text: i % 18 === 17 ? '.' : ',', tokens: 1 });
    pieces.push({ text: WORDS[wordIndex]!, tokens: 1 });
    wordIndex = (wordIndex + 5) % WORDS.length;
  }
  return pieces;
}

/** The visible reasoning a behaviour asks for: never cut by stop sequences or max output tokens. */
function planThinking(behaviour: Behaviour, seed: number): ThinkingPlan {
  const pieces =
    behaviour.thinkingText !== null
      ? piecesOf(encode(behaviour.thinkingText))
      : generatedPieces(seed, Math.floor(behaviour.thinking), 'Fake thinking');
  const texts = pieces.map((p) => p.text);
  return { pieces: texts, text: texts.join(''), tokens: pieces.reduce((sum, p) => sum + p.tokens, 0) };
}

export function planReply(behaviour: Behaviour, seed: number, limits: ReplyLimits): ReplyPlan {
  let pieces =
    behaviour.text !== null ? piecesOf(encode(behaviour.text)) : generatedPieces(seed, Math.floor(behaviour.tokens));
  let finish: ReplyPlan['finish'] = 'stop';
  let stopSequence: string | null = null;

  // Stop sequences: cut the text right before the earliest occurrence.
  const fullText = pieces.map((p) => p.text).join('');
  let cutAt = -1;
  for (const stop of limits.stop ?? []) {
    const at = stop === '' ? -1 : fullText.indexOf(stop);
    if (at >= 0 && (cutAt < 0 || at < cutAt)) [cutAt, stopSequence] = [at, stop];
  }
  if (cutAt >= 0) {
    const kept: typeof pieces = [];
    let length = 0;
    for (const piece of pieces) {
      if (length + piece.text.length > cutAt) {
        if (cutAt > length) kept.push({ text: piece.text.slice(0, cutAt - length), tokens: piece.tokens });
        break;
      }
      kept.push(piece);
      length += piece.text.length;
    }
    pieces = kept;
    finish = 'stop_sequence';
  }

  // Max output tokens.
  const max = limits.maxTokens;
  if (max != null && max >= 0) {
    let used = 0;
    const kept: typeof pieces = [];
    for (const piece of pieces) {
      if (used + piece.tokens > max) break;
      kept.push(piece);
      used += piece.tokens;
    }
    if (kept.length < pieces.length) {
      pieces = kept;
      finish = 'length';
      stopSequence = null;
    }
  }

  const texts = pieces.map((p) => p.text);
  return {
    thinking: planThinking(behaviour, seed),
    pieces: texts,
    text: texts.join(''),
    tokens: pieces.reduce((sum, p) => sum + p.tokens, 0),
    finish,
    stopSequence,
  };
}

/** Every text a request value carries: strings under `text`/`content`/`parts`/`output`, recursively. */
export function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const out: string[] = [];
  if (typeof record.text === 'string') out.push(record.text);
  for (const key of ['content', 'parts', 'output'] as const) {
    if (record[key] !== undefined) out.push(...textsOf(record[key]));
  }
  return out;
}

export function promptTokens(texts: readonly string[]): number {
  // Providers read special tokens such as <|endoftext|> in a request as text.
  return texts.reduce((sum, t) => sum + countTokens(t, { disallowedSpecial: new Set() }), 0);
}
