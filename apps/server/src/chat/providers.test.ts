import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, MessageUsage } from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents } from '../test/sse.ts';
import { costOf } from '../billing/pricing.ts';

const [pglite] = testDatabases;

describe('each provider kind through its AI SDK provider', () => {
  let fake: FakeLlm;
  let t: TestApp;
  let client: Client;

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 12 } });
    const key = 'test-key';
    t = await startTestApp(
      pglite!,
      {
        chat: { titles: false },
        billing: { startBalance: 10_000_000 },
        endpoints: [
          { id: 'openai', kind: 'openai', baseURL: `${fake.url}/v1`, apiKey: key, models: ['gpt-4o'] },
          { id: 'groq', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: key, models: ['llama-3.3-70b'] },
          { id: 'claude', kind: 'anthropic', baseURL: `${fake.url}/v1`, apiKey: key, models: ['claude-sonnet-4-5'] },
          { id: 'gemini', kind: 'google', baseURL: `${fake.url}/v1beta`, apiKey: key, models: ['gemini-2.5-flash'] },
          { id: 'azure', kind: 'azure', baseURL: `${fake.url}/openai`, apiKey: key, models: ['my-deployment'] },
          {
            id: 'bedrock',
            kind: 'bedrock',
            baseURL: fake.url,
            region: 'us-east-1',
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'secret',
            models: ['anthropic.claude-sonnet-4-5-20250929-v1:0'],
          },
          { id: 'local', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, fetch: true },
          { id: 'broken', kind: 'openai', baseURL: `${fake.url}/v1`, apiKey: 'bad-key', models: ['gpt-4o'] },
        ],
      },
      { env: {} },
    );
    client = new Client(t.app);
    await client.signUp(uniqueEmail());
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  async function ask(endpoint: string, model: string, content = 'Hello there') {
    const response = await client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'send', parentId: null, content, endpoint, model },
    });
    return { response, events: parseEvents(response.body) };
  }

  it('lists configured and fetched models with their prices, and hides the demo', async () => {
    const { endpoints } = (await client.request({ method: 'GET', url: '/api/models' })).json();
    expect(endpoints.map((e: { id: string }) => e.id)).toEqual([
      'openai',
      'groq',
      'claude',
      'gemini',
      'azure',
      'bedrock',
      'local',
      'broken',
    ]);
    const openai = endpoints.find((e: { id: string }) => e.id === 'openai');
    expect(openai.models).toEqual([{ id: 'gpt-4o', name: 'gpt-4o', price: { input: 2.5, output: 10 } }]);
    const local = endpoints.find((e: { id: string }) => e.id === 'local');
    expect(local.models.length).toBeGreaterThan(0);
  });

  it.each([
    ['openai', 'gpt-4o', 'openai-responses'],
    ['groq', 'llama-3.3-70b', 'openai-chat'],
    ['claude', 'claude-sonnet-4-5', 'anthropic'],
    ['gemini', 'gemini-2.5-flash', 'gemini'],
    ['azure', 'my-deployment', 'azure-responses'],
    ['bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'bedrock'],
  ])('streams a reply from %s and records its usage and cost', async (endpoint, model, protocol) => {
    fake.reset();
    const { events } = await ask(endpoint, model);
    expect(events[0]!.type).toBe('start');
    const deltas = events.filter((e) => e.type === 'delta');
    // Tokens that arrive together go out as one delta event (sse.test.ts), so how many there are depends on timing.
    expect(deltas.length).toBeGreaterThanOrEqual(1);
    const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done.type).toBe('done');
    const request = fake.requests.find((r) => r.protocol === protocol)!;
    expect(request).toBeDefined();
    expect(done.message.content).toBe(request.reply!.text);
    expect(deltas.map((d) => (d as { text: string }).text).join('')).toBe(request.reply!.text);
    expect(done.message.usage).toMatchObject({ outputTokens: 12 });
    expect(done.message.usage!.inputTokens).toBeGreaterThan(0);
    expect(done.message.status).toBe('complete');
    expect(done.message.finishReason).toBe('stop');
    expect(done.message.ttftMs).toEqual(expect.any(Number));
    const { price } = await t.app.providers.resolve(endpoint, model);
    expect(done.message.cost).toBe(costOf(done.message.usage!, price));
    expect(done.balance).toEqual(expect.any(Number));
  });

  it.each<[string, string, string, Partial<MessageUsage>]>([
    // Anthropic counts thinking in its output without a separate figure.
    [
      'claude',
      'claude-sonnet-4-5',
      '[[fake cached=4 cacheWrite=6 reasoning=5]]',
      { cacheReadTokens: 4, cacheWriteTokens: 6, outputTokens: 17 },
    ],
    [
      'bedrock',
      'anthropic.claude-sonnet-4-5-20250929-v1:0',
      '[[fake cached=4 cacheWrite=6]]',
      { cacheReadTokens: 4, cacheWriteTokens: 6, outputTokens: 12 },
    ],
    ['openai', 'gpt-4o', '[[fake cached=4 reasoning=7]]', { cacheReadTokens: 4, reasoningTokens: 7, outputTokens: 19 }],
    ['groq', 'llama-3.3-70b', '[[fake reasoning=7]]', { reasoningTokens: 7, outputTokens: 19 }],
    [
      'gemini',
      'gemini-2.5-flash',
      '[[fake cached=4 reasoning=7]]',
      { cacheReadTokens: 4, reasoningTokens: 7, outputTokens: 19 },
    ],
  ])(
    'records the cache and reasoning tokens %s reports, and prices them',
    async (endpoint, model, directive, expected) => {
      fake.reset();
      const { events } = await ask(endpoint, model, `Tell me something long enough to cache ${directive}`);
      const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
      expect(done.type).toBe('done');
      expect(done.message.usage).toMatchObject(expected);
      const { price } = await t.app.providers.resolve(endpoint, model);
      expect(done.message.cost).toBe(costOf(done.message.usage!, price));
    },
  );

  it('reports a rejected API key as a readable error and charges nothing', async () => {
    const before = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    const { events } = await ask('broken', 'gpt-4o');
    const last = events.at(-1) as Extract<ChatEvent, { type: 'error' }>;
    expect(last.type).toBe('error');
    expect(last.error).toMatchObject({ code: 'PROVIDER_AUTH', status: 401 });
    expect(last.error).not.toHaveProperty('userKey');
    expect(last.error.message).toContain('configured for this endpoint');
    expect(last.message).toMatchObject({ status: 'error', content: '', cost: 0 });
    expect((await client.request({ method: 'GET', url: '/api/balance' })).json().credits).toBe(before);
  });

  it.each([
    ['[[fake fail=429]]', 'PROVIDER_RATE_LIMITED', { status: 429, retryAfterSeconds: 0.05 }],
    ['[[fake fail=500]]', 'PROVIDER_ERROR', { status: 500 }],
  ])('turns %s into %s once two retries have failed too', async (directive, code, fields) => {
    fake.reset();
    const { events } = await ask('groq', 'llama-3.3-70b', `Hi ${directive.replace(']]', ' retryAfter=0.05]]')}`);
    const last = events.at(-1) as Extract<ChatEvent, { type: 'error' }>;
    expect(last.error.code).toBe(code);
    expect(last.error).toMatchObject(fields);
    expect(last.error.message).not.toMatch(/HTTP 4/);
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(3);
  });

  it.each([
    ['a 429', 429],
    ['a 503', 503],
  ])('retries %s the provider answers before the reply begins, then streams it', async (_, status) => {
    fake.reset();
    // The provider refuses the first request and answers its repetition.
    const { events } = await ask(
      'claude',
      'claude-sonnet-4-5',
      `Hi [[fake fail=${status} failTimes=1 retryAfter=0.01]]`,
    );
    const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done.type).toBe('done');
    expect(done.message.content.length).toBeGreaterThan(0);
    expect(fake.requests.map((r) => [r.status, r.behaviour?.fail ?? null])).toEqual([
      [status, status],
      [200, null],
    ]);
  });

  it('does not retry a refused key', async () => {
    fake.reset();
    await ask('broken', 'gpt-4o');
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps the text of a stream cut mid-reply and bills what arrived', async () => {
    fake.reset();
    const { events } = await ask('groq', 'llama-3.3-70b', 'Hi [[fake tokens=40 cutAfter=10 delayMs=5]]');
    const last = events.at(-1) as Extract<ChatEvent, { type: 'error' }>;
    expect(last.error.code).toBe('PROVIDER_STREAM_INTERRUPTED');
    expect(last.message.content.length).toBeGreaterThan(0);
    expect(last.message.usage!.outputTokens).toBe(10);
    expect(last.message.cost).toBeGreaterThan(0);
  });

  it('rejects an unknown endpoint or model before calling anyone', async () => {
    fake.reset();
    const unknownEndpoint = await ask('nowhere', 'gpt-4o');
    expect(unknownEndpoint.response.statusCode).toBe(400);
    expect(unknownEndpoint.response.json().error.fields).toEqual([
      { field: 'endpoint', message: 'Unknown endpoint', code: 'unknown' },
    ]);
    const unknownModel = await ask('openai', 'gpt-9');
    expect(unknownModel.response.statusCode).toBe(400);
    expect(unknownModel.response.json().error.fields).toEqual([
      { field: 'model', message: 'Unknown model', code: 'unknown' },
    ]);
    expect(fake.requests).toEqual([]);
  });
});

describe('a provider that goes quiet', () => {
  it('ends the reply with a timeout error after the idle limit; the prompt it accepted is billed, no text', async () => {
    // The provider accepts the request and then sends nothing for the rest of the test.
    const fake = await startFakeLlm({ defaults: { tokens: 5, firstTokenDelayMs: 600_000 } });
    const t = await startTestApp(
      pglite!,
      {
        chat: { titles: false, idleTimeoutSeconds: 0.5 },
        endpoints: [{ id: 'slow', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['m'] }],
      },
      { env: {} },
    );
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const before = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
      const response = await client.request({
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', parentId: null, content: 'Hello?', endpoint: 'slow', model: 'm' },
      });
      const last = parseEvents(response.body).at(-1) as Extract<ChatEvent, { type: 'error' }>;
      expect(last.error).toMatchObject({ code: 'PROVIDER_TIMEOUT', idleSeconds: 0.5 });
      expect(last.message).toMatchObject({ status: 'error', content: '', usage: { outputTokens: 0 } });
      expect(last.message.usage!.inputTokens).toBeGreaterThan(0);
      expect(last.message.cost).toBeGreaterThan(0);
      expect((await client.request({ method: 'GET', url: '/api/balance' })).json().credits).toBe(
        before - last.message.cost!,
      );
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('the demo endpoint', () => {
  it('answers on a fresh install, quoting the question and explaining how to configure a provider', async () => {
    const t = await startTestApp(pglite!, { chat: { demoTokenDelayMs: 0 } }, { env: {} });
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const models = (await client.request({ method: 'GET', url: '/api/models' })).json();
      expect(models.default).toEqual({ endpoint: 'tessera-demo', model: 'tessera-demo' });
      const response = await client.request({
        method: 'POST',
        url: '/api/chat',
        payload: {
          action: 'send',
          parentId: null,
          content: 'Why is the sky blue?',
          endpoint: 'tessera-demo',
          model: 'tessera-demo',
        },
      });
      const events = parseEvents(response.body);
      const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
      expect(done.message.content).toContain('demo');
      expect(done.message.content).toContain('"Why is the sky blue?"');
      expect(done.message.content).toContain('OPENAI_API_KEY');
      expect(done.message.usage!.outputTokens).toBeGreaterThan(50);
      expect(events.find((e) => e.type === 'title')).toMatchObject({ title: 'Why is the sky blue?' });
    } finally {
      await t.close();
    }
  });

  it('is hidden once a real provider is configured through the environment', async () => {
    const t = await startTestApp(
      pglite!,
      {},
      { env: { OPENAI_API_KEY: 'sk-test', OPENAI_MODELS: 'gpt-4o,gpt-4o-mini' } },
    );
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const { endpoints } = (await client.request({ method: 'GET', url: '/api/models' })).json();
      expect(endpoints).toEqual([expect.objectContaining({ id: 'openai', kind: 'openai' })]);
      expect(endpoints[0].models.map((m: { id: string }) => m.id)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    } finally {
      await t.close();
    }
  });
});
