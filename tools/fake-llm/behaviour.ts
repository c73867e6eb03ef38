/**
 * How the fake provider answers one request. Server-wide defaults come from `startFakeLlm({ defaults })`
 * (or the CLI flags); a directive in the LAST user message overrides them for that request:
 *
 *   [[fake tokens=1000 delayMs=5 fail=429 cutAfter=20 text="exact reply" thinking=30]]
 */
export interface Behaviour {
  /** Reply length in tokenizer tokens (before max-output-token / stop-sequence cuts). */
  tokens: number;
  /** Delay per token in ms; 0 = as fast as possible (writes are batched). */
  delayMs: number;
  /** Extra delay before the first token in ms (the stream's preamble events are sent at once). */
  firstTokenDelayMs: number;
  /** Answer with this HTTP status and the provider's real error body instead of a reply (e.g. 401, 429, 500). */
  fail: number | null;
  /**
   * With `fail`: fail only the first N requests whose last user message (and protocol and model) is the same,
   * then answer; null = every time. A client's retry repeats the request, so `fail=429 failTimes=1` is a refusal
   * its first retry gets past.
   */
  failTimes: number | null;
  /** Seconds advertised in retry-after (and the provider's equivalent) on 429/503/529 failures. */
  retryAfter: number;
  /** Destroy the connection after this many tokens, without the final events. */
  cutAfter: number | null;
  /** Exact reply text instead of the generated one. */
  text: string | null;
  /** Number of prompt tokens to report as read from the provider's prompt cache (clamped to the prompt). */
  cached: number;
  /** Prompt tokens to report as written to the prompt cache (Anthropic and Bedrock only; clamped to the prompt). */
  cacheWrite: number;
  /** Hidden reasoning tokens to report on top of the reply's (billed as output, as providers do). */
  reasoning: number;
  /**
   * Visible reasoning streamed before the answer, in tokens ("Fake thinking <n>: lorem …"), on every protocol with
   * a wire form for it; counted as reasoning and output tokens. 0 = none.
   */
  thinking: number;
  /** Exact visible reasoning text instead of the generated one (streams it even when `thinking` is 0). */
  thinkingText: string | null;
  /** Seed for the generated reply; null = the server's request counter (1, 2, 3… since start/reset). */
  seed: number | null;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  tokens: 20,
  delayMs: 0,
  firstTokenDelayMs: 0,
  fail: null,
  failTimes: null,
  retryAfter: 1,
  cutAfter: null,
  text: null,
  cached: 0,
  cacheWrite: 0,
  reasoning: 0,
  thinking: 0,
  thinkingText: null,
  seed: null,
};

const NUMBER_KEYS = [
  'tokens',
  'delayMs',
  'firstTokenDelayMs',
  'retryAfter',
  'cached',
  'cacheWrite',
  'reasoning',
  'thinking',
] as const;
const NULLABLE_NUMBER_KEYS = ['fail', 'failTimes', 'cutAfter', 'seed'] as const;
const TEXT_KEYS = ['text', 'thinkingText'] as const;

// A quoted value may hold anything, brackets included (markdown such as "[x] done" or "[^1]").
const DIRECTIVE = /\[\[fake\b((?:"(?:[^"\\]|\\.)*"|[^\]"])*)\]\]/g;
const PAIR = /([A-Za-z]+)=("((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))|(\S+)/g;

export class DirectiveError extends Error {}

function parseNumber(key: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new DirectiveError(`fake-llm directive: ${key}=${raw} is not a non-negative number`);
  }
  return value;
}

function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** Apply one key=value (from a directive or a CLI flag) to a partial behaviour. */
export function setBehaviourValue(target: Partial<Behaviour>, key: string, raw: string): void {
  if ((NUMBER_KEYS as readonly string[]).includes(key)) {
    target[key as (typeof NUMBER_KEYS)[number]] = parseNumber(key, raw);
  } else if ((NULLABLE_NUMBER_KEYS as readonly string[]).includes(key)) {
    const k = key as (typeof NULLABLE_NUMBER_KEYS)[number];
    const none = raw === 'none' || raw === 'null' || (k === 'fail' && raw === '0');
    target[k] = none ? null : parseNumber(key, raw);
  } else if ((TEXT_KEYS as readonly string[]).includes(key)) {
    target[key as (typeof TEXT_KEYS)[number]] = raw;
  } else {
    throw new DirectiveError(
      `fake-llm directive: unknown key "${key}" (known: ${Object.keys(DEFAULT_BEHAVIOUR).join(', ')})`,
    );
  }
}

/**
 * Find `[[fake k=v …]]` directives in a message. Values may be bare (`tokens=5`) or quoted
 * (`text="two words"`, with \" \n \t \\ escapes, or `text='…'`). Throws DirectiveError on unknown keys
 * or bad values, so a typo in a test fails loudly (as a 400 from the provider) instead of being ignored.
 */
export function parseDirectives(message: string): Partial<Behaviour> {
  const result: Partial<Behaviour> = {};
  for (const match of message.matchAll(DIRECTIVE)) {
    for (const pair of (match[1] ?? '').matchAll(PAIR)) {
      const [, key, , doubleQuoted, singleQuoted, bare, stray] = pair;
      if (stray !== undefined || key === undefined) {
        throw new DirectiveError(`fake-llm directive: expected key=value, got "${stray ?? pair[0]}"`);
      }
      const raw = doubleQuoted !== undefined ? unescape(doubleQuoted) : (singleQuoted ?? bare ?? '');
      setBehaviourValue(result, key, raw);
    }
  }
  return result;
}

export function resolveBehaviour(defaults: Behaviour, lastUserMessage: string): Behaviour {
  return { ...defaults, ...parseDirectives(lastUserMessage) };
}
