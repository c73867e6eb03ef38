import type { Price } from '../config/schema.ts';

/**
 * List prices in USD per 1M tokens (= credits per token) for current models of each provider kind.
 * Patterns match anywhere in the model name; the longest matching pattern wins.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  // OpenAI
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-4.1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o1: { input: 15, output: 60, cacheRead: 7.5 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  // Anthropic
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  // Google
  'gemini-2.5-pro': { input: 1.25, output: 10, cacheRead: 0.31 },
  'gemini-2.5-flash': { input: 0.3, output: 2.5, cacheRead: 0.075 },
  'gemini-2.5-flash-lite': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gemini-2.0-flash': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  // The built-in demo model: cheap, but not free, so the token economy can be seen working
  'tessera-demo': { input: 0.15, output: 0.6 },
  // Open-weight models, priced as the common hosted APIs sell them
  'deepseek-chat': { input: 0.27, output: 1.1, cacheRead: 0.07 },
  'deepseek-reasoner': { input: 0.55, output: 2.19, cacheRead: 0.14 },
  'llama-3.3-70b': { input: 0.59, output: 0.79 },
  'llama-3.1-8b': { input: 0.05, output: 0.08 },
  qwen: { input: 0.4, output: 1.2 },
  'mistral-large': { input: 2, output: 6 },
};

/** Unknown models are priced like a mid-range frontier model rather than given away. */
export const FALLBACK_PRICE: Price = { input: 2, output: 8 };

export interface Usage {
  /** All prompt tokens, including cached ones. */
  inputTokens: number;
  /** All generated tokens, including reasoning. */
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** Two usages together (a reply's steps, a message continued). */
export function addUsage(a: Usage, b: Usage): Required<Usage> {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheReadTokens: (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0),
    cacheWriteTokens: (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0),
    reasoningTokens: (a.reasoningTokens ?? 0) + (b.reasoningTokens ?? 0),
  };
}

export interface PriceTable {
  /** Endpoint-specific patterns, consulted before the global table. */
  overrides?: Record<string, Price>;
  prices: Record<string, Price>;
  fallback: Price;
}

function matches(pattern: string, model: string): boolean {
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return model.includes(p);
  const regex = new RegExp(
    `^${p
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(model);
}

function longestMatch(
  table: Record<string, Price> | undefined,
  model: string,
): { pattern: string; price: Price } | null {
  let best: { pattern: string; price: Price } | null = null;
  for (const [pattern, price] of Object.entries(table ?? {})) {
    if (
      matches(pattern, model) &&
      (!best || pattern.replaceAll('*', '').length > best.pattern.replaceAll('*', '').length)
    ) {
      best = { pattern, price };
    }
  }
  return best;
}

export function priceFor(table: PriceTable, model: string): { pattern: string | null; price: Price } {
  const name = model.toLowerCase();
  return (
    longestMatch(table.overrides, name) ?? longestMatch(table.prices, name) ?? { pattern: null, price: table.fallback }
  );
}

/** Credits for a reply; fractions are kept until the total, which is rounded up. */
export function costOf(usage: Usage, price: Price): number {
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const uncached = Math.max(0, usage.inputTokens - cacheRead - cacheWrite);
  const total =
    uncached * price.input +
    cacheRead * (price.cacheRead ?? price.input) +
    cacheWrite * (price.cacheWrite ?? price.input) +
    usage.outputTokens * price.output;
  return Math.ceil(total - 1e-9);
}

/** The most a reply can cost: every prompt token at the dearest input rate and every allowed output token. */
export function worstCaseCost(promptTokens: number, maxOutputTokens: number, price: Price): number {
  const dearestInput = Math.max(price.input, price.cacheWrite ?? 0, price.cacheRead ?? 0);
  return Math.ceil(promptTokens * dearestInput + maxOutputTokens * price.output - 1e-9);
}
