import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlm, type FakeLlm, type RecordedRequest } from '../../../../tools/fake-llm/server.ts';
import { configSchema, type ConfigInput, type EndpointConfig } from '../config/schema.ts';
import { isOpenAIChatModel } from './listing.ts';
import { createProviderRegistry, type ProviderRegistryOptions } from './registry.ts';

function registry(endpoints: NonNullable<ConfigInput['endpoints']>, options: ProviderRegistryOptions = {}) {
  return createProviderRegistry(configSchema.parse({ chat: { demo: 'off' }, endpoints }), {}, options);
}

async function modelsOf(providers: ReturnType<typeof registry>): Promise<Record<string, string[]>> {
  return Object.fromEntries((await providers.list()).map((e) => [e.id, e.models.map((m) => m.id)]));
}

/** Every header a provider reads a key from, as one fake received them. */
const credentials = (r: RecordedRequest) => ({
  authorization: r.headers.authorization,
  'x-api-key': r.headers['x-api-key'],
  'x-goog-api-key': r.headers['x-goog-api-key'],
  key: r.query.key,
});

const OPENAI_MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4o-search-preview',
  'o3',
  'gpt-3.5-turbo-instruct',
  'text-embedding-3-small',
  'tts-1-hd',
  'gpt-4o-mini-tts',
  'whisper-1',
  'gpt-4o-transcribe',
  'dall-e-3',
  'gpt-image-1',
  'omni-moderation-latest',
  'gpt-realtime',
  'gpt-4o-audio-preview',
  'sora-2',
];

describe('model listing per endpoint kind', () => {
  let openai: FakeLlm;
  let anthropic: FakeLlm;
  let gemini: FakeLlm;

  beforeAll(async () => {
    openai = await startFakeLlm({ models: OPENAI_MODELS });
    anthropic = await startFakeLlm({ models: ['claude-sonnet-4-5', 'claude-haiku-4-5'] });
    gemini = await startFakeLlm({ models: ['gemini-2.5-flash', 'text-embedding-004', 'imagen-4.0-generate-001'] });
  });
  afterAll(async () => {
    await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  });
  afterEach(() => {
    for (const fake of [openai, anthropic, gemini]) fake.reset();
    vi.restoreAllMocks();
  });

  it('asks each kind’s own API with its own header, and each key goes to its endpoint’s host only', async () => {
    const providers = registry([
      { id: 'oai', kind: 'openai', baseURL: `${openai.url}/v1`, apiKey: 'key-openai', fetch: true },
      { id: 'compat', kind: 'openai-compatible', baseURL: `${openai.url}/v1`, apiKey: 'key-compat', fetch: true },
      {
        id: 'claude',
        kind: 'anthropic',
        baseURL: `${anthropic.url}/v1`,
        apiKey: 'key-anthropic',
        fetch: true,
        models: ['claude-opus-4-1'],
      },
      { id: 'gem', kind: 'google', baseURL: `${gemini.url}/v1beta`, apiKey: 'key-google', fetch: true },
    ]);
    const models = await modelsOf(providers);

    // OpenAI: chat models only; an OpenAI-compatible server: everything it lists.
    expect(models.oai).toEqual(['gpt-4o', 'gpt-4o-mini', 'gpt-4o-search-preview', 'o3']);
    expect(models.compat).toEqual([...OPENAI_MODELS].sort());
    // Anthropic: the configured model plus the listed ones.
    expect(models.claude).toEqual(['claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5']);
    // Gemini: generateContent models only, without the models/ prefix.
    expect(models.gem).toEqual(['gemini-2.5-flash']);

    expect(openai.requests.map((r) => [r.path, credentials(r)])).toEqual(
      expect.arrayContaining([
        ['/v1/models', { authorization: 'Bearer key-openai' }],
        ['/v1/models', { authorization: 'Bearer key-compat' }],
      ]),
    );
    expect(openai.requests).toHaveLength(2);
    expect(anthropic.requests).toHaveLength(1);
    expect(anthropic.requests[0]).toMatchObject({ path: '/v1/models', query: { limit: '1000' }, status: 200 });
    expect(anthropic.requests[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(credentials(anthropic.requests[0]!)).toEqual({ 'x-api-key': 'key-anthropic' });
    expect(gemini.requests).toHaveLength(1);
    expect(gemini.requests[0]).toMatchObject({ path: '/v1beta/models', status: 200 });
    expect(credentials(gemini.requests[0]!)).toEqual({ 'x-goog-api-key': 'key-google' });
  });

  it('without a baseURL, asks the kind’s own host — never api.openai.com with another provider’s key', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      calls.push({ url: url.href, headers: Object.fromEntries(new Headers(init?.headers)) });
      if (url.host === 'api.anthropic.com') return Response.json({ data: [{ id: 'claude-x' }], has_more: false });
      if (url.host === 'generativelanguage.googleapis.com') {
        return Response.json({
          models: [{ name: 'models/gemini-x', supportedGenerationMethods: ['generateContent'] }],
        });
      }
      return Response.json({ object: 'list', data: [{ id: 'gpt-x' }] });
    });
    const config = configSchema.parse({
      chat: { demo: 'off' },
      endpoints: [
        { id: 'claude', kind: 'anthropic', apiKey: 'key-anthropic', fetch: true },
        { id: 'gem', kind: 'google', apiKey: 'key-google', fetch: true },
        { id: 'oai', kind: 'openai', apiKey: 'key-openai', fetch: true },
      ],
    });
    // Azure and Bedrock cannot list (the schema refuses fetch on them); built past the schema, they still ask nobody.
    const azure = { ...config.endpoints[2]!, id: 'az', kind: 'azure', apiKey: 'key-azure', models: ['dep'] };
    const providers = createProviderRegistry({ ...config, endpoints: [...config.endpoints, azure as EndpointConfig] });
    expect(await modelsOf(providers)).toEqual({
      claude: ['claude-x'],
      gem: ['gemini-x'],
      oai: ['gpt-x'],
      az: ['dep'],
    });
    expect(calls).toHaveLength(3);
    /** The requests that carried `key` anywhere in their headers, with the header it was sent in. */
    const sentWith = (key: string) =>
      calls
        .filter((c) => Object.values(c.headers).some((v) => v.includes(key)))
        .map((c) => [c.url, Object.keys(c.headers).find((h) => c.headers[h]!.includes(key))]);
    expect(sentWith('key-anthropic')).toEqual([['https://api.anthropic.com/v1/models?limit=1000', 'x-api-key']]);
    expect(calls.find((c) => c.url.startsWith('https://api.anthropic.com'))!.headers['anthropic-version']).toBe(
      '2023-06-01',
    );
    expect(sentWith('key-google')).toEqual([
      ['https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000', 'x-goog-api-key'],
    ]);
    expect(sentWith('key-openai')).toEqual([['https://api.openai.com/v1/models', 'authorization']]);
    expect(sentWith('key-azure')).toEqual([]);
  });

  it('follows Anthropic’s and Gemini’s pages', async () => {
    const many = Array.from({ length: 1_005 }, (_, i) => `m-${String(i).padStart(4, '0')}`);
    const big = await startFakeLlm({ models: many });
    try {
      const providers = registry([
        { id: 'claude', kind: 'anthropic', baseURL: `${big.url}/v1`, apiKey: 'k', fetch: true },
        { id: 'gem', kind: 'google', baseURL: `${big.url}/v1beta`, apiKey: 'k', fetch: true },
      ]);
      const models = await modelsOf(providers);
      expect(models.claude).toEqual(many);
      expect(models.gem).toEqual(many);
      const anthropicPages = big.requests.filter((r) => r.path === '/v1/models').map((r) => r.query);
      expect(anthropicPages).toEqual([{ limit: '1000' }, { limit: '1000', after_id: 'm-0999' }]);
      const geminiPages = big.requests.filter((r) => r.path === '/v1beta/models').map((r) => r.query);
      expect(geminiPages).toEqual([{ pageSize: '1000' }, { pageSize: '1000', pageToken: '1000' }]);
    } finally {
      await big.close();
    }
  });

  it('does not follow a redirect to another host with the key', async () => {
    const redirector: Server = createServer((req, res) => {
      res.writeHead(307, { location: `${gemini.url}${req.url}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const port = (redirector.address() as AddressInfo).port;
      const providers = registry([
        {
          id: 'claude',
          kind: 'anthropic',
          baseURL: `http://127.0.0.1:${port}/v1`,
          apiKey: 'key-anthropic',
          fetch: true,
          models: ['claude-haiku-4-5'],
        },
      ]);
      expect(await modelsOf(providers)).toEqual({ claude: ['claude-haiku-4-5'] });
      expect(gemini.requests).toEqual([]);
    } finally {
      redirector.close();
    }
  });

  it('refuses fetch: true on azure and bedrock in the config, naming the key', () => {
    for (const kind of ['azure', 'bedrock'] as const) {
      const result = configSchema.safeParse({ endpoints: [{ id: 'x', kind, fetch: true, models: ['m'] }] });
      expect(result.success).toBe(false);
      expect(result.error!.issues).toEqual([
        expect.objectContaining({ path: ['endpoints', 0, 'fetch'], message: expect.stringContaining('list the') }),
      ]);
    }
    expect(configSchema.safeParse({ endpoints: [{ id: 'x', kind: 'google', fetch: true }] }).success).toBe(true);
  });
});

describe('the OpenAI chat-model filter', () => {
  it.each([
    ['gpt-4o', true],
    ['gpt-4.1-mini', true],
    ['gpt-5', true],
    ['o4-mini', true],
    ['chatgpt-4o-latest', true],
    ['gpt-4o-mini-search-preview', true],
    ['gpt-3.5-turbo', true],
    ['text-embedding-3-large', false],
    ['tts-1', false],
    ['gpt-4o-mini-tts', false],
    ['whisper-1', false],
    ['gpt-4o-mini-transcribe', false],
    ['dall-e-2', false],
    ['gpt-image-1-mini', false],
    ['chatgpt-image-latest', false],
    ['omni-moderation-2024-09-26', false],
    ['text-moderation-latest', false],
    ['gpt-4o-realtime-preview', false],
    ['gpt-audio-mini', false],
    ['gpt-3.5-turbo-instruct', false],
    ['davinci-002', false],
    ['babbage-002', false],
    ['sora-2-pro', false],
    ['computer-use-preview', false],
    ['o3-deep-research', false],
  ])('%s → %s', (id, chat) => {
    expect(isOpenAIChatModel(id)).toBe(chat);
  });
});

describe('a model listing that fails', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({ models: ['alpha', 'beta'] });
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(() => fake.reset());

  it('keeps the last good list and asks again only after 30 s', async () => {
    let clock = 1_000_000;
    const providers = registry(
      [{ id: 'local', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, fetch: true, models: ['configured'] }],
      { now: () => clock },
    );
    const listings = () => fake.requests.filter((r) => r.protocol === 'models').length;
    const good = ['alpha', 'beta', 'configured'];
    expect((await modelsOf(providers)).local).toEqual(good);
    clock += 60_000;
    expect((await modelsOf(providers)).local).toEqual(good);
    expect(listings()).toBe(1); // a good list is kept 5 minutes

    clock += 5 * 60_000;
    fake.modelList.fail = 500;
    expect((await modelsOf(providers)).local).toEqual(good);
    expect(listings()).toBe(2);
    expect(fake.requests.at(-1)!.status).toBe(500);
    clock += 29_000;
    expect((await modelsOf(providers)).local).toEqual(good);
    expect(listings()).toBe(2); // the failure is remembered

    clock += 2_000;
    fake.modelList.fail = null;
    expect((await modelsOf(providers)).local).toEqual(good);
    expect(listings()).toBe(3);
    expect(fake.requests.at(-1)!.status).toBe(200);
  });

  it('gives up on a host that hangs, then answers from its configured list without asking again', async () => {
    // The host never answers (the fake waits until the client gives up): only the listing timeout ends the wait.
    fake.modelList.delayMs = 60_000;
    const providers = registry(
      [{ id: 'slow', kind: 'openai', baseURL: `${fake.url}/v1`, apiKey: 'k', fetch: true, models: ['gpt-4o'] }],
      { modelListTimeoutMs: 50 },
    );
    const first = await Promise.all([modelsOf(providers), modelsOf(providers), modelsOf(providers)]);
    expect(first).toEqual(Array(3).fill({ slow: ['gpt-4o'] }));
    // Simultaneous requests shared one listing, and it ended with nothing answered: the client gave up.
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.status).toBe(0);

    // The failure is remembered, so neither /api/models nor the chat path (which checks the model against the
    // same list) asks the hanging host again — asking would mean waiting for the timeout once more.
    expect(await modelsOf(providers)).toEqual({ slow: ['gpt-4o'] });
    await expect(providers.resolve('slow', 'gpt-4o')).resolves.toMatchObject({ modelId: 'gpt-4o' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('model lists fetched with a user’s own key', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({ models: ['alpha', 'beta'] });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('asks with the key from the store it is given, per user and key, and keeps each answer a minute', async () => {
    let clock = 1_000_000;
    const keys = new Map([['alice', 'key-alice']]);
    const userKeys: ProviderRegistryOptions['userKeys'] = {
      async get(userId) {
        const apiKey = keys.get(userId);
        return apiKey ? { status: 'set', apiKey, hint: '', updatedAt: new Date(0) } : { status: 'none' };
      },
    };
    const providers = registry(
      [
        {
          id: 'byok',
          kind: 'openai-compatible',
          baseURL: `${fake.url}/v1`,
          apiKey: 'user_provided',
          fetch: true,
          models: ['configured'],
        },
      ],
      { now: () => clock, userKeys },
    );
    const modelsFor = async (userId: string) => (await providers.list(userId))[0]!;
    const keysAsked = () => fake.requests.filter((r) => r.protocol === 'models').map((r) => r.apiKey);

    // Without a key of their own a user sees the configured models, and nobody is asked.
    expect(await modelsFor('bob')).toMatchObject({ userKey: 'required', models: [{ id: 'configured' }] });
    expect(keysAsked()).toEqual([]);

    const listed = ['alpha', 'beta', 'configured'];
    expect((await modelsFor('alice')).models.map((m) => m.id)).toEqual(listed);
    clock += 59_000;
    expect((await modelsFor('alice')).models.map((m) => m.id)).toEqual(listed);
    expect(keysAsked()).toEqual(['key-alice']);

    // A new key is asked at once; an answer older than a minute is asked again.
    keys.set('alice', 'key-alice-2');
    await modelsFor('alice');
    expect(keysAsked()).toEqual(['key-alice', 'key-alice-2']);
    clock += 61_000;
    await modelsFor('alice');
    expect(keysAsked()).toEqual(['key-alice', 'key-alice-2', 'key-alice-2']);
  });
});
