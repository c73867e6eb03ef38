import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createAzure } from '@ai-sdk/azure';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText } from 'ai';
import type { LanguageModel } from 'ai';
import { countTokens, encode } from 'gpt-tokenizer';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { DEFAULT_BEHAVIOUR, parseDirectives } from './behaviour.ts';
import { deltaFrame, eventFrame } from './bedrock.ts';
import { generatedPieces, planReply } from './reply.ts';
import type { FakeClock, FakeLlm, Protocol } from './server.ts';
import { startFakeLlm } from './server.ts';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

interface Kind {
  name: string;
  protocol: Protocol;
  model: (apiKey: string) => LanguageModel;
  /** Whether the SDK reports cached input tokens for this provider. */
  reportsCache: boolean;
  /**
   * Whether the SDK reads the visible reasoning the fake streams (`thinking`): OpenAI's and Azure's Chat Completions
   * packages leave `reasoning_content` aside (OpenAI's models never show theirs there); the rest read their wire form.
   */
  showsReasoning: boolean;
  /** Whether the SDK reports reasoning tokens apart (Anthropic and Bedrock count them in the output only). */
  reportsReasoning: boolean;
}

const KINDS: Kind[] = [
  {
    name: 'openai (responses)',
    protocol: 'openai-responses',
    model: (apiKey) => createOpenAI({ baseURL: `${fake.url}/v1`, apiKey })('gpt-4o-mini'),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: true,
  },
  {
    name: 'openai (chat)',
    protocol: 'openai-chat',
    model: (apiKey) => createOpenAI({ baseURL: `${fake.url}/v1`, apiKey }).chat('gpt-4.1'),
    reportsCache: true,
    showsReasoning: false,
    reportsReasoning: true,
  },
  {
    name: 'openai-compatible',
    protocol: 'openai-chat',
    model: (apiKey) =>
      createOpenAICompatible({ baseURL: `${fake.url}/v1`, name: 'ollama', apiKey, includeUsage: true })('fake-model'),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: true,
  },
  {
    name: 'azure (responses)',
    protocol: 'azure-responses',
    model: (apiKey) => createAzure({ baseURL: `${fake.url}/openai`, apiKey })('my-deployment'),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: true,
  },
  {
    name: 'azure (chat, deployment urls)',
    protocol: 'azure-chat',
    model: (apiKey) =>
      createAzure({
        baseURL: `${fake.url}/openai`,
        apiKey,
        useDeploymentBasedUrls: true,
        apiVersion: '2024-10-21',
      }).chat('my-deployment'),
    reportsCache: true,
    showsReasoning: false,
    reportsReasoning: true,
  },
  {
    name: 'anthropic',
    protocol: 'anthropic',
    model: (apiKey) => createAnthropic({ baseURL: `${fake.url}/v1`, apiKey })('claude-sonnet-4-5'),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: false,
  },
  {
    name: 'google',
    protocol: 'gemini',
    model: (apiKey) => createGoogleGenerativeAI({ baseURL: `${fake.url}/v1beta`, apiKey })('gemini-2.5-flash'),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: true,
  },
  {
    name: 'bedrock',
    protocol: 'bedrock',
    model: (accessKeyId) =>
      createAmazonBedrock({ baseURL: fake.url, region: 'us-east-1', accessKeyId, secretAccessKey: 'secret' })(
        'anthropic.claude-3-5-haiku-20241022-v1:0',
      ),
    reportsCache: true,
    showsReasoning: true,
    reportsReasoning: false,
  },
];

const SYSTEM = 'You are a terse test assistant.';
const KEY = 'test-key-123456789';

/**
 * A clock the test moves by hand: the fake's waits end only when the test moves time to them, so pacing is
 * checked exactly and without waiting.
 */
function manualClock() {
  let now = 0;
  const sleepers = new Set<{ until: number; wake: () => void }>();
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        const sleeper = { until: now + ms, wake: resolve };
        sleepers.add(sleeper);
        signal.addEventListener('abort', () => sleepers.delete(sleeper) && resolve(), { once: true });
      });
    },
    /** The time the fake waits for next, once it waits. */
    async nextWake(): Promise<number> {
      await vi.waitFor(() => expect(sleepers.size).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
      return Math.min(...[...sleepers].map((s) => s.until));
    },
    advanceTo(time: number) {
      now = time;
      for (const sleeper of sleepers) {
        if (sleeper.until <= now) {
          sleepers.delete(sleeper);
          sleeper.wake();
        }
      }
    },
  } satisfies FakeClock & Record<string, unknown>;
}

async function apiCallError(promise: Promise<unknown>): Promise<APICallError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(APICallError.isInstance(error), `expected APICallError, got ${String(error)}`).toBe(true);
  return error as APICallError;
}

describe.each(KINDS)('$name through its AI SDK provider', (kind) => {
  it('generateText: text, usage (with cached input) and finish reason', async () => {
    const prompt = 'Say something. [[fake tokens=12 cached=3]]';
    const result = await generateText({
      model: kind.model(KEY),
      system: SYSTEM,
      prompt,
      maxOutputTokens: 100,
      maxRetries: 0,
    });
    const [request] = fake.requests;
    expect(request?.protocol).toBe(kind.protocol);
    expect(request?.stream).toBe(false);
    expect(request?.reply?.tokens).toBe(12);
    expect(result.text).toBe(request?.reply?.text);
    expect(result.text).toMatch(/^Fake reply 1: \w+/);
    expect(countTokens(result.text)).toBe(12);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBe(countTokens(SYSTEM) + countTokens(prompt));
    expect(result.usage.outputTokens).toBe(12);
    if (kind.reportsCache) expect(result.usage.inputTokenDetails.cacheReadTokens).toBe(3);
  });

  it('streamText: one token per chunk, usage and finish reason', async () => {
    const prompt = 'Stream please [[fake tokens=25]]';
    const result = streamText({ model: kind.model(KEY), prompt, maxOutputTokens: 100, maxRetries: 0 });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    const text = chunks.join('');
    expect(fake.requests[0]?.stream).toBe(true);
    expect(text).toBe(fake.requests[0]?.reply?.text);
    expect(chunks).toHaveLength(25);
    expect(countTokens(text)).toBe(25);
    expect(await result.finishReason).toBe('stop');
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(countTokens(prompt));
    expect(usage.outputTokens).toBe(25);
    if (kind.reportsCache) expect(usage.inputTokenDetails.cacheReadTokens).toBe(0);
  });

  it('cuts at max output tokens with finishReason length (stream and not)', async () => {
    const streamed = streamText({
      model: kind.model(KEY),
      prompt: '[[fake tokens=40]] long one',
      maxOutputTokens: 16,
      maxRetries: 0,
    });
    expect(countTokens(await streamed.text)).toBe(16);
    expect(await streamed.finishReason).toBe('length');
    expect((await streamed.usage).outputTokens).toBe(16);

    const generated = await generateText({
      model: kind.model(KEY),
      prompt: '[[fake tokens=40]] long one',
      maxOutputTokens: 16,
      maxRetries: 0,
    });
    expect(generated.finishReason).toBe('length');
    expect(generated.usage.outputTokens).toBe(16);
  });

  it.each([429, 500, 401])('fail=%i surfaces as APICallError with that status', async (status) => {
    const error = await apiCallError(
      generateText({
        model: kind.model(KEY),
        prompt: `[[fake fail=${status}]] hi`,
        maxOutputTokens: 50,
        maxRetries: 0,
      }),
    );
    expect(error.statusCode).toBe(status);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.isRetryable).toBe(status !== 401);
  });

  it('rejects API key "bad-key" with 401 (streaming too)', async () => {
    const error = await apiCallError(
      generateText({ model: kind.model('bad-key'), prompt: 'hi', maxOutputTokens: 50, maxRetries: 0 }),
    );
    expect(error.statusCode).toBe(401);

    let streamError: unknown;
    const result = streamText({
      model: kind.model('bad-key'),
      prompt: 'hi',
      maxOutputTokens: 50,
      maxRetries: 0,
      onError: ({ error: e }) => {
        streamError = e;
      },
    });
    await result.consumeStream();
    expect(APICallError.isInstance(streamError) && streamError.statusCode).toBe(401);
  });

  it('thinking=N: streams visible reasoning before the answer, as reasoning-delta parts', async () => {
    const prompt = 'Think first [[fake thinking=9 tokens=6]]';
    const result = streamText({ model: kind.model(KEY), prompt, maxOutputTokens: 100, maxRetries: 0 });
    const parts: { type: string; text: string }[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'reasoning-delta' || part.type === 'text-delta')
        parts.push({ type: part.type, text: part.text });
    }
    const reply = fake.requests[0]!.reply!;
    expect(reply.thinking).toMatch(/^Fake thinking 1: \w+/);
    expect(countTokens(reply.thinking)).toBe(9);
    const reasoning = parts.filter((p) => p.type === 'reasoning-delta').map((p) => p.text);
    const text = parts.filter((p) => p.type === 'text-delta').map((p) => p.text);
    expect(text.join('')).toBe(reply.text);
    if (kind.showsReasoning) {
      expect(reasoning.join('')).toBe(reply.thinking);
      expect(reasoning.filter(Boolean)).toHaveLength(9); // one token per event, as the answer
      // All of the reasoning comes before any of the answer.
      expect(parts.findLastIndex((p) => p.type === 'reasoning-delta')).toBeLessThan(
        parts.findIndex((p) => p.type === 'text-delta'),
      );
    } else {
      expect(reasoning).toEqual([]);
    }
    const usage = await result.usage;
    expect(usage.outputTokens).toBe(6 + 9);
    if (kind.reportsReasoning) expect(usage.outputTokenDetails.reasoningTokens).toBe(9);
  });

  it('thinkingText: the exact reasoning, unstreamed too', async () => {
    const result = await generateText({
      model: kind.model(KEY),
      prompt: '[[fake thinkingText="First, the sky. Then the sea." text="Blue."]]',
      maxOutputTokens: 100,
      maxRetries: 0,
    });
    expect(result.text).toBe('Blue.');
    expect(result.reasoningText).toBe(kind.showsReasoning ? 'First, the sky. Then the sea.' : undefined);
  });

  it('mid-stream cut: the stream errors after N tokens of text', async () => {
    const result = streamText({
      model: kind.model(KEY),
      prompt: '[[fake tokens=30 cutAfter=7]]',
      maxOutputTokens: 100,
      maxRetries: 0,
      onError: () => {},
    });
    let text = '';
    let error: unknown;
    try {
      // A dropped connection rejects the stream (a protocol-level error would arrive as an error part).
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') text += part.text;
        if (part.type === 'error') error = part.error;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(countTokens(text)).toBe(7);
    expect(fake.requests[0]?.reply?.text.startsWith(text)).toBe(true);
  });
});

describe('requests are recorded', () => {
  it('records protocol, model, path, headers and body', async () => {
    await generateText({
      model: createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY })('claude-haiku-4-5'),
      system: 'sys',
      prompt: 'hello',
      maxOutputTokens: 77,
      temperature: 0.5,
      maxRetries: 0,
    });
    await generateText({
      model: createGoogleGenerativeAI({ baseURL: `${fake.url}/v1beta`, apiKey: KEY })('gemini-2.5-pro'),
      prompt: 'hello',
      maxOutputTokens: 55,
      maxRetries: 0,
    });
    await generateText({
      model: createAzure({ baseURL: `${fake.url}/openai`, apiKey: KEY, useDeploymentBasedUrls: true })('dep-1'),
      prompt: 'hello',
      maxRetries: 0,
    });
    const [a, g, z] = fake.requests;
    expect(a).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      protocol: 'anthropic',
      model: 'claude-haiku-4-5',
      apiKey: KEY,
      stream: false,
      status: 200,
      body: { max_tokens: 77, temperature: 0.5, system: [{ type: 'text', text: 'sys' }] },
    });
    expect(a?.headers['x-api-key']).toBe(KEY);
    expect(a?.headers['anthropic-version']).toBe('2023-06-01');
    expect(g).toMatchObject({
      path: '/v1beta/models/gemini-2.5-pro:generateContent',
      protocol: 'gemini',
      model: 'gemini-2.5-pro',
      body: { generationConfig: { maxOutputTokens: 55 } },
    });
    expect(g?.headers['x-goog-api-key']).toBe(KEY);
    expect(z).toMatchObject({
      path: '/openai/deployments/dep-1/responses',
      query: { 'api-version': 'v1' },
      protocol: 'azure-responses',
      model: 'dep-1',
    });
    expect(z?.headers['api-key']).toBe(KEY);
  });

  it('records rejected requests and sends no reply for them', async () => {
    await generateText({
      model: createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: 'bad-key' }).chat('gpt-4o-mini'),
      prompt: 'x',
      maxRetries: 0,
    }).catch(() => {});
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ status: 401, reply: null, apiKey: 'bad-key' });
  });

  it('bedrock sends a SigV4-signed request; a request without Authorization is rejected', async () => {
    await generateText({
      model: createAmazonBedrock({
        baseURL: fake.url,
        region: 'eu-west-1',
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 's',
      })('amazon.nova-lite-v1:0'),
      prompt: 'hi',
      maxRetries: 0,
    });
    expect(fake.requests[0]).toMatchObject({
      path: '/model/amazon.nova-lite-v1%3A0/converse',
      model: 'amazon.nova-lite-v1:0',
    });
    expect(fake.requests[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
    const response = await fetch(`${fake.url}/model/x/converse`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
  });
});

describe('the official openai client', () => {
  it('streams chat completions with include_usage', async () => {
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const content = 'Hi there [[fake tokens=15 cached=2]]';
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(fake.requests[0]?.reply?.text);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({
      prompt_tokens: countTokens(content),
      completion_tokens: 15,
      total_tokens: countTokens(content) + 15,
      prompt_tokens_details: { cached_tokens: 2 },
    });
  });

  it('honours max_tokens, stop and errors; lists models', async () => {
    const client = new OpenAI({ baseURL: `${fake.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const cut = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: '[[fake text="alpha beta gamma delta epsilon"]]' }],
      max_tokens: 2,
    });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'alpha beta' } });
    expect(cut.usage?.completion_tokens).toBe(2);

    const stopped = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: '[[fake text="alpha beta gamma delta epsilon"]]' }],
      stop: [' delta'],
    });
    expect(stopped.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'alpha beta gamma' } });

    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: '[[fake fail=429 retryAfter=7]]' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');

    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4o-mini', 'gpt-4.1', 'fake-model']);
  });
});

describe('directives and replies', () => {
  it('parses key=value pairs, quoted text and none', () => {
    expect(parseDirectives('hi [[fake tokens=1000 delayMs=5 fail=429 cutAfter=20]] there')).toEqual({
      tokens: 1000,
      delayMs: 5,
      fail: 429,
      cutAfter: 20,
    });
    expect(parseDirectives(`[[fake text="say \\"hi\\"\\nbye" seed=4]] [[fake fail=none]]`)).toEqual({
      text: 'say "hi"\nbye',
      seed: 4,
      fail: null,
    });
    expect(parseDirectives("[[fake text='single quoted']]")).toEqual({ text: 'single quoted' });
    expect(parseDirectives('no directive here')).toEqual({});
    expect(() => parseDirectives('[[fake tokns=3]]')).toThrow(/unknown key "tokns"/);
    expect(() => parseDirectives('[[fake tokens=-1]]')).toThrow(/not a non-negative number/);
  });

  it('only the last user message is read; a bad directive is a 400 from the provider', async () => {
    const model = createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: KEY }).chat('gpt-4o-mini');
    const result = await generateText({
      model,
      maxRetries: 0,
      messages: [
        { role: 'user', content: '[[fake tokens=3]]' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'again' },
      ],
    });
    expect(result.usage.outputTokens).toBe(DEFAULT_BEHAVIOUR.tokens);
    const error = await apiCallError(generateText({ model, prompt: '[[fake tokns=3]]', maxRetries: 0 }));
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/unknown key/);
  });

  it('replies are deterministic, count exactly, and follow the server defaults', async () => {
    for (const n of [0, 1, 3, 5, 20, 137, 1000]) {
      const text = generatedPieces(42, n)
        .map((p) => p.text)
        .join('');
      expect(encode(text)).toHaveLength(n);
    }
    const plan = planReply({ ...DEFAULT_BEHAVIOUR, text: 'héllo wörld 👋🏽 done' }, 1, {});
    expect(plan.text).toBe('héllo wörld 👋🏽 done');
    expect(plan.tokens).toBe(countTokens(plan.text));

    fake.defaults.tokens = 4;
    fake.defaults.text = null;
    const model = createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: KEY }).chat('gpt-4o-mini');
    const first = await generateText({ model, prompt: 'a', maxRetries: 0 });
    const again = await generateText({ model, prompt: 'a [[fake seed=1]]', maxRetries: 0 });
    expect(first.text).toBe(again.text);
    expect(first.usage.outputTokens).toBe(4);
    fake.reset();
    expect(fake.defaults.tokens).toBe(DEFAULT_BEHAVIOUR.tokens);
    expect(fake.requests).toHaveLength(0);
  });

  it('failTimes=N fails only the first N identical requests, so a retry gets through', async () => {
    const model = createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY })('claude-haiku-4-5');
    const ask = (prompt: string) =>
      generateText({ model, prompt, maxOutputTokens: 50, maxRetries: 0 }).then(
        (r) => r.text,
        (e: unknown) => (e as APICallError).statusCode,
      );
    const once = 'Hi [[fake fail=529 failTimes=1]]';
    expect(await ask(once)).toBe(529);
    expect(await ask(once)).toMatch(/^Fake reply/);
    expect(await ask(once)).toMatch(/^Fake reply/);
    // Another message counts on its own; reset forgets the counts.
    expect(await ask('Other [[fake fail=529 failTimes=1]]')).toBe(529);
    fake.reset();
    expect(await ask(once)).toBe(529);
    expect(fake.requests.map((r) => r.behaviour?.fail ?? null)).toEqual([529]);
  });

  it('paces tokens with firstTokenDelayMs and delayMs on the clock it is given', async () => {
    const clock = manualClock();
    const paced = await startFakeLlm({ clock });
    try {
      const result = streamText({
        model: createAnthropic({ baseURL: `${paced.url}/v1`, apiKey: KEY })('claude-haiku-4-5'),
        prompt: '[[fake tokens=4 delayMs=15 firstTokenDelayMs=100]]',
        maxOutputTokens: 50,
        maxRetries: 0,
      });
      const chunks = result.textStream[Symbol.asyncIterator]();
      const received: string[] = [];
      const sentAt: number[] = [];
      for (let i = 0; i < 4; i++) {
        // The fake holds each token until its time comes on the clock; the test moves the clock there.
        const due = await clock.nextWake();
        sentAt.push(due);
        clock.advanceTo(due);
        received.push((await chunks.next()).value as string);
      }
      expect(sentAt).toEqual([115, 130, 145, 160]);
      expect(received.join('')).toBe(paced.requests[0]!.reply!.text);
      expect((await chunks.next()).done).toBe(true);
      expect(await result.finishReason).toBe('stop');
    } finally {
      await paced.close();
    }
  });

  it('serves Ollama /api/tags, Gemini and Anthropic model lists', async () => {
    const tags = (await (await fetch(`${fake.url}/api/tags`)).json()) as { models: { name: string }[] };
    expect(tags.models.map((m) => m.name)).toContain('fake-model:latest');
    const anthropicList = (await (
      await fetch(`${fake.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01', 'x-api-key': KEY } })
    ).json()) as { data: { type: string }[] };
    expect(anthropicList.data[0]?.type).toBe('model');
    const geminiList = (await (
      await fetch(`${fake.url}/v1beta/models`, { headers: { 'x-goog-api-key': KEY } })
    ).json()) as { models: { name: string }[] };
    expect(geminiList.models[0]?.name).toBe('models/gpt-4o-mini');
    expect(fake.requests.map((r) => [r.protocol, r.apiKey])).toEqual([
      ['models', null],
      ['models', KEY],
      ['models', KEY],
    ]);
  });

  it('checks the credentials of Anthropic and Gemini model lists like the real APIs', async () => {
    const status = async (path: string, headers: Record<string, string> = {}) =>
      (await fetch(`${fake.url}${path}`, { headers })).status;
    expect(await status('/v1/models', { 'anthropic-version': '2023-06-01' })).toBe(401);
    expect(await status('/v1/models', { 'x-api-key': KEY })).toBe(400);
    expect(await status('/v1/models', { 'x-api-key': 'bad-key', 'anthropic-version': '2023-06-01' })).toBe(401);
    expect(await status('/v1beta/models')).toBe(403);
    expect(await status(`/v1beta/models?key=${KEY}`)).toBe(200);
    expect(await status('/v1beta/models', { 'x-goog-api-key': 'bad-key' })).toBe(400);
    expect(await status('/v1/models')).toBe(200); // OpenAI-compatible servers often need no key
    expect(await status('/v1/models', { authorization: 'Bearer bad-key' })).toBe(401);
  });

  it('pages Anthropic and Gemini model lists and marks non-chat Gemini models', async () => {
    const paged = await startFakeLlm({ models: ['a', 'b', 'c', 'text-embedding-004'] });
    try {
      const get = async (path: string, headers: Record<string, string>) =>
        (await (await fetch(`${paged.url}${path}`, { headers })).json()) as Record<string, unknown>;
      const anthropicHeaders = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
      expect(await get('/v1/models?limit=2', anthropicHeaders)).toMatchObject({
        has_more: true,
        first_id: 'a',
        last_id: 'b',
      });
      expect(await get('/v1/models?limit=2&after_id=b', anthropicHeaders)).toMatchObject({
        data: [{ id: 'c' }, { id: 'text-embedding-004' }],
        has_more: false,
      });
      const first = await get('/v1beta/models?pageSize=3', { 'x-goog-api-key': KEY });
      expect(first.nextPageToken).toBe('3');
      const rest = await get('/v1beta/models?pageSize=3&pageToken=3', { 'x-goog-api-key': KEY });
      expect(rest).toEqual({
        models: [
          expect.objectContaining({
            name: 'models/text-embedding-004',
            supportedGenerationMethods: expect.not.arrayContaining(['generateContent']),
          }),
        ],
      });
    } finally {
      await paged.close();
    }
  });

  it('makes model lists fail or hang on request, and forgets it on reset', async () => {
    fake.modelList.fail = 500;
    expect((await fetch(`${fake.url}/v1/models`)).status).toBe(500);
    fake.modelList.fail = null;
    fake.modelList.delayMs = 60_000;
    const giveUp = new AbortController();
    const hanging = fetch(`${fake.url}/v1/models`, { signal: giveUp.signal });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(2), { timeout: 10_000, interval: 5 });
    giveUp.abort();
    await expect(hanging).rejects.toThrow();
    expect(fake.requests[1]).toMatchObject({ protocol: 'models', status: 0 }); // held, never answered
    fake.reset();
    expect(fake.modelList).toEqual({ fail: null, delayMs: 0 });
    expect((await fetch(`${fake.url}/v1/models`)).status).toBe(200);
  });
});

describe('wire details', () => {
  it('bedrock token frames are byte-identical to @smithy/eventstream-codec frames', () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    for (const text of [' lorem', '', 'ünïcödé 👋🏽 "quoted"\n']) {
      const frame = deltaFrame(text);
      expect(
        Buffer.from(frame).equals(
          Buffer.from(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
        ),
      ).toBe(true);
      const decoded = codec.decode(frame);
      expect(decoded.headers[':event-type']?.value).toBe('contentBlockDelta');
      expect(JSON.parse(toUtf8(decoded.body))).toEqual({ contentBlockIndex: 0, delta: { text } });
    }
  });

  it('gemini streams a JSON array without alt=sse', async () => {
    const response = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?key=${KEY}`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: '[[fake tokens=3]]' }] }] }),
    });
    const chunks = (await response.json()) as { candidates: { finishReason?: string }[]; usageMetadata: object }[];
    expect(chunks).toHaveLength(4);
    expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ candidatesTokenCount: 3 });
  });

  it('azure without deployment urls calls /openai/responses; a deployment url without api-version is a 404', async () => {
    await generateText({
      model: createAzure({ baseURL: `${fake.url}/openai`, apiKey: KEY })('dep'),
      prompt: 'hi',
      maxRetries: 0,
    });
    expect(fake.requests[0]).toMatchObject({ path: '/openai/responses', query: {}, protocol: 'azure-responses' });
    const response = await fetch(`${fake.url}/openai/deployments/dep/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': KEY },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(404);
  });

  it('a non-streaming request cut mid-body fails the call', async () => {
    const error = await generateText({
      model: createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY })('claude-haiku-4-5'),
      prompt: '[[fake cutAfter=2]]',
      maxOutputTokens: 50,
      maxRetries: 0,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
  });

  it('stop sequences end anthropic and bedrock replies with stop_sequence', async () => {
    const prompt = '[[fake text="one two three four"]]';
    const viaAnthropic = await generateText({
      model: createAnthropic({ baseURL: `${fake.url}/v1`, apiKey: KEY })('claude-haiku-4-5'),
      prompt,
      stopSequences: [' three'],
      maxOutputTokens: 50,
      maxRetries: 0,
    });
    expect(viaAnthropic.text).toBe('one two');
    expect(viaAnthropic.finishReason).toBe('stop');
    expect(viaAnthropic.response.body).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: ' three' });
    const viaBedrock = streamText({
      model: createAmazonBedrock({ baseURL: fake.url, region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b' })(
        'anthropic.claude-3-5-haiku-20241022-v1:0',
      ),
      prompt,
      stopSequences: [' four'],
      maxRetries: 0,
    });
    expect(await viaBedrock.text).toBe('one two three');
    expect(await viaBedrock.finishReason).toBe('stop');
  });
});

describe('long replies', () => {
  // How fast the fake streams is measured by `npm run bench:chat` (the provider read directly); a rate floor here
  // would fail on a busy machine without anything being wrong.
  it('streams 10,000 tokens with delayMs=0, every one of them, in order', async () => {
    const response = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: '[[fake tokens=10000]]' }],
      }),
    });
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const deltas = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.replace(/^data: /, '')) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content)
      .filter((content) => content !== undefined && content !== '');
    expect(deltas).toHaveLength(10_000);
    expect(deltas.join('')).toBe(fake.requests[0]!.reply!.text);
    expect(countTokens(deltas.join(''))).toBe(10_000);
  });
});
