import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

describe.each(testDatabases)('the OpenAI-compatible API on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let openai: OpenAI;
  let owner: Client;

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 15 } });
    t = await startTestApp(
      db,
      {
        billing: { startBalance: 1_000_000 },
        openaiApi: { maxRequestChars: 50_000, defaultMaxTokens: 1_000 },
        endpoints: [
          { id: 'fake', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['gpt-4o-mini'] },
          { id: 'claude', kind: 'anthropic', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['claude-haiku-4-5'] },
          { id: 'oa', kind: 'openai', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['gpt-4.1'] },
        ],
      },
      { env: {} },
    );
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    owner = new Client(t.app);
    await owner.signUp(uniqueEmail());
    const { key } = (await owner.request({ method: 'POST', url: '/api/keys', payload: { name: 'sdk' } })).json();
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const balance = async () => (await owner.request({ method: 'GET', url: '/api/balance' })).json().credits;

  /** A new account with its own API key, so its ledger holds only what a test does. */
  async function apiUser() {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const { key } = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'k' } })).json();
    const transactions = async () =>
      (await client.request({ method: 'GET', url: '/api/transactions?limit=50' })).json().items as {
        kind: string;
        amount: number;
        inputTokens: number | null;
        outputTokens: number | null;
      }[];
    return {
      sdk: new OpenAI({ baseURL: openai.baseURL, apiKey: key, maxRetries: 0 }),
      balance: async () => (await client.request({ method: 'GET', url: '/api/balance' })).json().credits as number,
      transactions,
      /** The ledger once every hold has come back (a stream is settled after its response ended). */
      settled: async () => {
        for (;;) {
          const rows = await transactions();
          const count = (kind: string) => rows.filter((r) => r.kind === kind).length;
          if (count('hold') === count('release')) return rows;
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    };
  }

  const ledgerMismatches = async () => {
    const { createLedger } = await import('../billing/ledger.ts');
    const { configSchema } = await import('../config/schema.ts');
    return createLedger(t.database.db, configSchema.parse({}).billing).verify();
  };

  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((r) => setTimeout(r, 10));
  };

  it('lists models as endpoint/model', async () => {
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['fake/gpt-4o-mini', 'claude/claude-haiku-4-5', 'oa/gpt-4.1']);
  });

  it('answers a non-streaming completion and bills the key owner', async () => {
    const before = await balance();
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.2,
      max_tokens: 100,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toMatch(/^Fake reply/);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage!.completion_tokens).toBe(15);
    const sent = fake.requests.at(-1)!.body as {
      temperature: number;
      max_tokens: number;
      messages: { role: string }[];
    };
    expect(sent).toMatchObject({ temperature: 0.2, max_tokens: 100 });
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user']);
    const spend = (await owner.request({ method: 'GET', url: '/api/transactions?kind=spend&limit=1' })).json().items[0];
    expect(spend).toMatchObject({ description: 'API reply', model: 'gpt-4o-mini', outputTokens: 15 });
    expect(await balance()).toBe(before + spend.amount);
  });

  it('streams with usage in the last chunk, through a provider of another kind', async () => {
    const stream = await openai.chat.completions.create({
      model: 'claude/claude-haiku-4-5',
      messages: [{ role: 'user', content: 'Stream please' }],
      max_completion_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    let finish;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason ?? undefined;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/^Fake reply/);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 15 });
  });

  it('passes top_p, stop and earlier assistant turns on; stop reaches an OpenAI endpoint through Chat Completions', async () => {
    fake.reset();
    const messages = [
      { role: 'user' as const, content: 'Count with me' },
      { role: 'assistant' as const, content: 'One' },
      { role: 'user' as const, content: 'Go on' },
    ];
    await openai.chat.completions.create({ model: 'oa/gpt-4.1', messages, top_p: 0.5, stop: ['END'] });
    const withStop = fake.requests.at(-1)!;
    expect(withStop.path).toBe('/v1/chat/completions');
    const sent = withStop.body as { top_p: number; stop: string[]; messages: { role: string; content: string }[] };
    expect(sent).toMatchObject({ top_p: 0.5, stop: ['END'] });
    expect(sent.messages.map((m) => [m.role, m.content])).toEqual(messages.map((m) => [m.role, m.content]));

    await openai.chat.completions.create({ model: 'oa/gpt-4.1', messages, top_p: 0.5 });
    expect(fake.requests.at(-1)!.path).toBe('/v1/responses');
  });

  it('streams without a usage chunk unless include_usage is asked for', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toMatch(/^Fake reply/);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('reports a provider failure as a 502, or mid-stream as an error event after the text that arrived', async () => {
    const failed = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x [[fake fail=401]]' }] })
      .catch((e: unknown) => e);
    expect((failed as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((failed as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ code: 'provider_auth' });

    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x [[fake tokens=40 cutAfter=5]]' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String((error as Error).message)).toMatch(/broke off/);
  });

  it('reports a cut-off reply as finish_reason length', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Long [[fake tokens=100]]' }],
      max_tokens: 5,
    });
    expect(completion.choices[0]!.finish_reason).toBe('length');
  });

  it('bills the prompt of a stream the client leaves before the first token, once the provider accepted it', async () => {
    fake.reset();
    const user = await apiUser();
    const before = await user.balance();
    const stream = await user.sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'A long question [[fake firstTokenDelayMs=5000]]' }],
      stream: true,
    });
    const chunks = stream[Symbol.asyncIterator]();
    expect((await chunks.next()).value.choices[0].delta).toEqual({ role: 'assistant', content: '' });
    // The provider has answered with its stream's head: the request is accepted, no token has come yet.
    await until(() => fake.requests[0]?.status === 200);
    await new Promise((r) => setTimeout(r, 200));
    stream.controller.abort();

    const rows = await user.settled();
    const spend = rows.find((r) => r.kind === 'spend');
    expect(spend).toMatchObject({ outputTokens: 0 });
    expect(spend!.inputTokens).toBeGreaterThan(0);
    expect(spend!.amount).toBeLessThan(0);
    expect(await user.balance()).toBe(before + spend!.amount);
    expect(await ledgerMismatches()).toEqual([]);
  });

  it('charges nothing for a stream the provider refused', async () => {
    const user = await apiUser();
    const before = await user.balance();
    const stream = await user.sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x [[fake fail=401]]' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const chunk of stream) void chunk;
      })(),
    ).rejects.toThrow();
    const rows = await user.settled();
    expect(rows.some((r) => r.kind === 'spend')).toBe(false);
    expect(await user.balance()).toBe(before);
  });

  it('refuses a request over the character limit with a 400 naming messages, before holding or calling anyone', async () => {
    fake.reset();
    const user = await apiUser();
    const tooLong = await user.sdk.chat.completions
      .create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: '你好。'.repeat(5_000) },
          { role: 'user', content: 'Hi! '.repeat(8_750) + 'x' },
        ],
      })
      .catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'invalid_request_error',
      param: 'messages',
      code: 'request_too_large',
    });
    expect((tooLong as Error).message).toContain('50000');
    expect(fake.requests).toEqual([]);
    expect((await user.transactions()).map((r) => r.kind)).toEqual(['grant']);

    const atLimit = await user.sdk.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: '你好。'.repeat(5_000) },
        { role: 'user', content: 'Hi! '.repeat(8_750) },
      ],
    });
    expect(atLimit.choices[0]!.message.content).toMatch(/^Fake reply/);
  });

  it('answers a request without a user or assistant message with a 400 naming messages, not a provider error', async () => {
    fake.reset();
    const user = await apiUser();
    for (const messages of [
      [{ role: 'system' as const, content: 'You are terse.' }],
      [
        { role: 'developer' as const, content: 'Be kind.' },
        { role: 'user' as const, content: '  ' },
      ],
    ]) {
      const refused = await user.sdk.chat.completions
        .create({ model: 'claude/claude-haiku-4-5', messages })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
        type: 'invalid_request_error',
        param: 'messages',
      });
    }
    expect(fake.requests).toEqual([]);
    expect((await user.transactions()).map((r) => r.kind)).toEqual(['grant']);
  });

  it('leaves out messages without text and counts special tokens as text', async () => {
    fake.reset();
    const completion = await openai.chat.completions.create({
      model: 'claude/claude-haiku-4-5',
      messages: [
        { role: 'system', content: '' },
        { role: 'user', content: 'What is <|endoftext|>?' },
        { role: 'assistant', content: null },
        { role: 'user', content: 'Go on' },
      ],
    });
    expect(completion.choices[0]!.message.content).toMatch(/^Fake reply/);
    const sent = fake.requests.at(-1)!.body as {
      system?: unknown;
      messages: { role: string; content: { text: string }[] }[];
    };
    expect(sent.system).toBeUndefined();
    // Anthropic's AI SDK provider joins consecutive user turns into one message.
    expect(sent.messages.map((m) => [m.role, m.content.map((c) => c.text)])).toEqual([
      ['user', ['What is <|endoftext|>?', 'Go on']],
    ]);
  });

  it('holds max_tokens in full or answers 402 with what is required, never a silently shorter reply', async () => {
    const user = await apiUser();
    fake.reset();
    // gpt-4o-mini costs 0.6 credits per output token: 1,000,000 credits cannot hold 2,000,000 of them.
    const refused = await user.sdk.chat.completions
      .create({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2_000_000 })
      .then(
        () => null,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    if (!refused) throw new Error('expected a 402');
    expect(refused.status).toBe(402);
    const error = refused.error as { code: string; param: string; required: number; balance: number };
    expect(error).toMatchObject({ code: 'insufficient_credits', param: 'max_tokens', balance: 1_000_000 });
    expect(error.required).toBeGreaterThan(1_200_000);
    expect(fake.requests).toEqual([]);

    await user.sdk.chat.completions.create({
      model: 'fake/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 1_500_000,
    });
    expect((fake.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(1_500_000);

    // Without max_tokens the documented default (openaiApi.defaultMaxTokens, 1,000 here) is held and sent.
    await user.sdk.chat.completions.create({ model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
    expect((fake.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(1_000);
    const holds = (await user.settled()).filter((r) => r.kind === 'hold');
    expect(-holds[0]!.amount).toBeGreaterThanOrEqual(600);
    expect(-holds[0]!.amount).toBeLessThan(700);
  });

  it("speaks OpenAI's error shape: bad key, unknown model, bad input, no credits", async () => {
    const wrongKey = new OpenAI({ baseURL: openai.baseURL, apiKey: 'tsk_wrong', maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const unknown = await openai.chat.completions
      .create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'not_found_error',
      param: 'model',
    });

    const bad = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [], temperature: 5 } as never)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);

    const poor = new Client(t.app, '10.8.0.1');
    await poor.signUp(uniqueEmail());
    const { key } = (await poor.request({ method: 'POST', url: '/api/keys', payload: { name: 'k' } })).json();
    const { createLedger } = await import('../billing/ledger.ts');
    const { configSchema } = await import('../config/schema.ts');
    const me = (await poor.me()).json();
    await createLedger(t.database.db, configSchema.parse({}).billing).adjust({
      userId: me.id,
      amount: -1_000_000,
      kind: 'admin_adjust',
      key: `drain-${me.id}`,
    });
    fake.reset();
    const broke = new OpenAI({ baseURL: openai.baseURL, apiKey: key, maxRetries: 0 });
    const refused = await broke.chat.completions
      .create({ model: 'claude/claude-haiku-4-5', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((refused as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_credits',
    });
    expect(fake.requests).toEqual([]);
  });
});
