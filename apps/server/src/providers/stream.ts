import { setTimeout as delay } from 'node:timers/promises';
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3Prompt,
  type LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { InvalidPromptError, type ModelMessage } from 'ai';
import type { Usage } from '../billing/pricing.ts';

export type ReplyPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'finish'; finishReason: string; usage: Usage | null }
  /** `accepted`: the provider had accepted the request (its stream had begun) when this happened. */
  | { type: 'error'; error: unknown; accepted: boolean };

export interface ReplyOptions {
  system?: string;
  messages: ModelMessage[];
  temperature?: number;
  topP?: number;
  maxOutputTokens: number;
  stopSequences?: string[];
  abortSignal?: AbortSignal;
}

/** The text of a message's content; content the prompt cannot carry yet is refused, never dropped. */
function textOf(message: ModelMessage): string {
  if (typeof message.content === 'string') return message.content;
  let text = '';
  for (const part of message.content) {
    if (part.type !== 'text')
      throw new InvalidPromptError({ prompt: message, message: `A ${part.type} part cannot be sent to a model yet` });
    text += part.text;
  }
  return text;
}

function toPrompt(system: string | undefined, messages: ModelMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = system ? [{ role: 'system', content: system }] : [];
  for (const message of messages) {
    if (message.role === 'user') prompt.push({ role: 'user', content: [{ type: 'text', text: textOf(message) }] });
    else if (message.role === 'assistant')
      prompt.push({ role: 'assistant', content: [{ type: 'text', text: textOf(message) }] });
    else if (message.role === 'system') prompt.push({ role: 'system', content: message.content });
    else throw new InvalidPromptError({ prompt: message, message: 'Tool messages cannot be sent to a model yet' });
  }
  return prompt;
}

/** The one mapping of a provider's usage report to what is billed; null when it did not report both counts. */
export function fromProviderUsage(usage: LanguageModelV3Usage): Usage | null {
  const input = usage.inputTokens.total;
  const output = usage.outputTokens.total;
  if (input === undefined || output === undefined) return null;
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: usage.inputTokens.cacheRead ?? 0,
    cacheWriteTokens: usage.inputTokens.cacheWrite ?? 0,
    reasoningTokens: usage.outputTokens.reasoning ?? 0,
  };
}

type StreamPart =
  Awaited<ReturnType<LanguageModelV3['doStream']>>['stream'] extends ReadableStream<infer P> ? P : never;

/** Retries of a reply the provider refused before it began (429, 5xx, overloaded…). */
const OPEN_RETRIES = 2;
/** A provider asking to wait longer than this gets its error shown instead: the user can retry. */
const MAX_RETRY_WAIT_MS = 5_000;

/** How long to wait before retry `attempt` (0-based): what the provider asks for, else a short backoff. */
function retryDelayMs(error: APICallError, attempt: number): number | null {
  const headers = error.responseHeaders ?? {};
  const ms = Number(headers['retry-after-ms']);
  const seconds = Number(headers['retry-after']);
  const asked = Number.isFinite(ms) && ms > 0 ? ms : Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : null;
  if (asked !== null) return asked <= MAX_RETRY_WAIT_MS ? asked : null;
  return 500 * 3 ** attempt;
}

/**
 * Calls the provider, retrying a refusal the provider calls retryable. The AI SDK's own retry (the same
 * policy: retry-after headers, else exponential backoff) lives inside streamText/generateText and is not
 * exported by `ai` 6, and replies here bypass those. Once a stream has begun nothing is retried: its text
 * has been shown.
 */
async function withRetries<T>(options: ReplyOptions, call: () => PromiseLike<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= OPEN_RETRIES || !APICallError.isInstance(error) || !error.isRetryable) throw error;
      const wait = retryDelayMs(error, attempt);
      if (wait === null) throw error;
      await delay(wait, undefined, { signal: options.abortSignal });
    }
  }
}

function callOptions(options: ReplyOptions) {
  return {
    prompt: toPrompt(options.system, options.messages),
    maxOutputTokens: options.maxOutputTokens,
    temperature: options.temperature,
    topP: options.topP,
    stopSequences: options.stopSequences,
    abortSignal: options.abortSignal,
  };
}

/** The reply part a provider stream part stands for, if any. */
function toPart(value: StreamPart): ReplyPart | null {
  switch (value.type) {
    case 'text-delta':
      return value.delta ? { type: 'text', text: value.delta } : null;
    case 'reasoning-delta':
      return value.delta ? { type: 'reasoning', text: value.delta } : null;
    case 'finish':
      return { type: 'finish', finishReason: value.finishReason.unified, usage: fromProviderUsage(value.usage) };
    case 'error':
      return { type: 'error', error: value.error, accepted: true };
    default:
      return null;
  }
}

/**
 * Streams a reply through the provider's AI SDK language model (its `doStream`), handing each part to
 * `onPart` as soon as it is read. Without `streamText`'s extra stream stages and without an async
 * generator between the provider stream and the caller, a token costs a few promises less: about
 * three quarters of a relay's throughput together (measured: docs/benchmarks.md). A throwing `onPart`
 * is not a provider error: it propagates.
 */
export async function readReply(
  model: LanguageModelV3,
  options: ReplyOptions,
  onPart: (part: ReplyPart) => void,
): Promise<void> {
  let stream: ReadableStream<StreamPart>;
  try {
    const call = callOptions(options);
    ({ stream } = await withRetries(options, () => model.doStream(call)));
  } catch (error) {
    onPart({ type: 'error', error, accepted: false });
    return;
  }
  const reader = stream.getReader();
  try {
    for (;;) {
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (error) {
        onPart({ type: 'error', error, accepted: true });
        return;
      }
      if (read.done) return;
      const part = toPart(read.value);
      if (!part) continue;
      onPart(part);
      if (part.type === 'error') return;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The same parts as `readReply`, from one answer instead of a stream (the provider's `doGenerate`): for
 * callers that show nothing until the end (titles, non-streaming /v1), which saves the provider's and the
 * server's per-token work.
 */
export async function readWholeReply(
  model: LanguageModelV3,
  options: ReplyOptions,
  onPart: (part: ReplyPart) => void,
): Promise<void> {
  let result: Awaited<ReturnType<LanguageModelV3['doGenerate']>>;
  try {
    const call = callOptions(options);
    result = await withRetries(options, () => model.doGenerate(call));
  } catch (error) {
    onPart({ type: 'error', error, accepted: false });
    return;
  }
  for (const content of result.content) {
    if ((content.type === 'text' || content.type === 'reasoning') && content.text)
      onPart({ type: content.type, text: content.text });
  }
  onPart({ type: 'finish', finishReason: result.finishReason.unified, usage: fromProviderUsage(result.usage) });
}
