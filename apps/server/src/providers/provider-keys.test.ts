import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, EndpointInfo, ProviderKey } from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { buildApp } from '../app.ts';
import { createLedger } from '../billing/ledger.ts';
import { configSchema, type ConfigInput } from '../config/schema.ts';
import { transactions, userProviderKeys } from '../db/schema.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents } from '../test/sse.ts';

const ALICE_KEY = 'sk-alice-0123456789abcdefghijklmnop-A1B2';
const BOB_KEY = 'sk-bob-zyxwvutsrqponmlkjihgfedcba-9876';

interface User {
  client: Client;
  id: string;
  /** A Tessera API key (tsk_…) for /v1 and for requests that must not depend on the session secret. */
  token: string;
}

describe.each(testDatabases)('user-provided provider keys on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let config: ConfigInput;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 12 }, models: ['gpt-4o-mini', 'gpt-4.1'] });
    const baseURL = `${fake.url}/v1`;
    config = {
      chat: { titles: true },
      billing: { startBalance: 5_000_000 },
      endpoints: [
        {
          id: 'byok',
          kind: 'openai-compatible',
          name: 'Your OpenAI',
          baseURL,
          apiKey: 'user_provided',
          models: ['gpt-4o-mini'],
        },
        {
          id: 'byok-paid',
          kind: 'anthropic',
          name: 'Claude (your key, billed)',
          baseURL,
          apiKey: 'user_provided',
          billing: 'credits',
          models: ['claude-haiku-4-5'],
        },
        { id: 'byok-fetch', kind: 'openai', baseURL, apiKey: 'user_provided', fetch: true },
        { id: 'house', kind: 'openai-compatible', baseURL, apiKey: 'house-key', models: ['gpt-4o-mini'] },
      ],
    };
    t = await startTestApp(db, config, { env: {} });
    alice = await signUp('alice');
    bob = await signUp('bob');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  async function signUp(tag: string): Promise<User> {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail(tag));
    const { id } = (await client.me()).json();
    const { key } = (
      await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'api', scope: 'full' } })
    ).json();
    return { client, id, token: key };
  }

  const keys = async (user: User) =>
    (await user.client.request({ method: 'GET', url: '/api/provider-keys' })).json().keys as ProviderKey[];
  const put = (user: User, endpointId: string, apiKey: unknown) =>
    user.client.request({ method: 'PUT', url: `/api/provider-keys/${endpointId}`, payload: { apiKey } });
  const remove = (user: User, endpointId: string) =>
    user.client.request({ method: 'DELETE', url: `/api/provider-keys/${endpointId}` });
  const models = async (user: User) =>
    (await user.client.request({ method: 'GET', url: '/api/models' })).json() as {
      endpoints: EndpointInfo[];
      default: { endpoint: string; model: string } | null;
    };
  const balance = async (user: User) =>
    (await user.client.request({ method: 'GET', url: '/api/balance' })).json().credits as number;
  const holds = async (user: User) =>
    (
      await t.database.db
        .select()
        .from(transactions)
        .where(and(eq(transactions.userId, user.id), eq(transactions.kind, 'hold')))
    ).length;
  const ask = async (user: User, endpoint: string, model: string, content = 'Hello there') => {
    const response = await user.client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'send', parentId: null, content, endpoint, model },
    });
    return { response, events: response.statusCode === 200 ? parseEvents(response.body) : [] };
  };
  const complete = (token: string, model: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}` },
      payload: { model, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 },
    });

  it('lists only the user_provided endpoints, none with a key yet', async () => {
    expect(await keys(alice)).toEqual([
      {
        endpointId: 'byok',
        name: 'Your OpenAI',
        kind: 'openai-compatible',
        billing: 'free',
        hasKey: false,
        status: 'none',
        hint: null,
        updatedAt: null,
      },
      expect.objectContaining({ endpointId: 'byok-paid', kind: 'anthropic', billing: 'credits', hasKey: false }),
      expect.objectContaining({ endpointId: 'byok-fetch', name: 'byok-fetch', kind: 'openai', hasKey: false }),
    ]);
  });

  it('asks for a session or an API key', async () => {
    const anonymous = new Client(t.app);
    expect((await anonymous.request({ method: 'GET', url: '/api/provider-keys' })).statusCode).toBe(401);
    expect((await put({ client: anonymous } as User, 'byok', ALICE_KEY)).statusCode).toBe(401);
    expect((await remove({ client: anonymous } as User, 'byok')).statusCode).toBe(401);
  });

  it.each([
    ['an empty key', ''],
    ['only spaces', '   '],
    ['a key with a space inside', 'sk-abc def'],
    ['a key with a line break', 'sk-abc\ndef'],
    ['a key too long', 'k'.repeat(2049)],
    ['a number', 12345],
  ])('refuses %s, naming the field', async (_name, apiKey) => {
    const response = await put(alice, 'byok', apiKey);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'VALIDATION_ERROR', fields: [{ field: 'apiKey' }] });
    expect((await keys(alice))[0]!.hasKey).toBe(false);
  });

  it('answers 404 for an endpoint that has its own key, or none at all', async () => {
    for (const endpoint of ['house', 'nowhere', 'tessera-demo']) {
      expect((await put(alice, endpoint, ALICE_KEY)).json().error.code).toBe('NOT_FOUND');
      expect((await remove(alice, endpoint)).statusCode).toBe(404);
    }
  });

  it('saves a key trimmed, answers with its hint only, and stores no plaintext', async () => {
    const response = await put(alice, 'byok', `  ${ALICE_KEY}\n`);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(ALICE_KEY);
    expect(response.json()).toEqual({
      endpointId: 'byok',
      name: 'Your OpenAI',
      kind: 'openai-compatible',
      billing: 'free',
      hasKey: true,
      status: 'set',
      hint: 'A1B2',
      updatedAt: expect.any(String),
    });
    const listed = await keys(alice);
    expect(listed.find((k) => k.endpointId === 'byok')).toMatchObject({ hasKey: true, hint: 'A1B2' });
    expect(JSON.stringify(listed)).not.toContain(ALICE_KEY);

    const rows = await t.database.db.select().from(userProviderKeys).where(eq(userProviderKeys.userId, alice.id));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ endpointId: 'byok', hint: 'A1B2' });
    expect(row.encrypted).toMatch(/^v1\./);
    for (const form of [ALICE_KEY, ALICE_KEY.slice(0, 12), Buffer.from(ALICE_KEY).toString('base64')]) {
      expect(row.encrypted).not.toContain(form);
    }
  });

  it('keeps each user to their own keys', async () => {
    expect((await keys(bob)).every((k) => !k.hasKey)).toBe(true);
    const bobModels = await models(bob);
    expect(bobModels.endpoints.find((e) => e.id === 'byok')!.userKey).toBe('required');
    // Bob cannot use Alice's key, and removing "his" key does not touch hers.
    const { response } = await ask(bob, 'byok', 'gpt-4o-mini');
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('PROVIDER_KEY_REQUIRED');
    expect((await remove(bob, 'byok')).statusCode).toBe(204);
    expect((await keys(alice)).find((k) => k.endpointId === 'byok')!.hasKey).toBe(true);
    expect(fake.requests).toEqual([]);
  });

  it('flags user_provided endpoints in /api/models and defaults to one the user can use', async () => {
    const { endpoints, default: target } = await models(alice);
    const flags = Object.fromEntries(endpoints.map((e) => [e.id, e.userKey]));
    expect(flags).toEqual({ byok: 'set', 'byok-paid': 'required', 'byok-fetch': 'required', house: 'none' });
    // Free endpoints cost no credits, so their models are priced at zero.
    expect(endpoints.find((e) => e.id === 'byok')!.models).toEqual([
      { id: 'gpt-4o-mini', name: 'gpt-4o-mini', price: { input: 0, output: 0 } },
    ]);
    expect(endpoints.find((e) => e.id === 'byok-paid')!.models[0]!.price.output).toBeGreaterThan(0);
    expect(target).toEqual({ endpoint: 'byok', model: 'gpt-4o-mini' });
    expect((await models(bob)).default).toEqual({ endpoint: 'house', model: 'gpt-4o-mini' });
  });

  it('asks /models of a fetch endpoint with the user’s own key only', async () => {
    expect((await models(bob)).endpoints.find((e) => e.id === 'byok-fetch')!.models).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect((await put(alice, 'byok-fetch', ALICE_KEY)).statusCode).toBe(200);
    const fetched = (await models(alice)).endpoints.find((e) => e.id === 'byok-fetch')!;
    expect(fetched).toMatchObject({ userKey: 'set' });
    expect(fetched.models.map((m) => m.id)).toEqual(['gpt-4.1', 'gpt-4o-mini']);
    const listings = fake.requests.filter((r) => r.protocol === 'models');
    expect(listings).toHaveLength(1);
    expect(listings[0]!.headers.authorization).toBe(`Bearer ${ALICE_KEY}`);
    // Cached briefly per user: a second look asks nobody; another user's look does not see it.
    await models(alice);
    expect(fake.requests.filter((r) => r.protocol === 'models')).toHaveLength(1);
    expect((await models(bob)).endpoints.find((e) => e.id === 'byok-fetch')!.models).toEqual([]);
    expect((await remove(alice, 'byok-fetch')).statusCode).toBe(204);
  });

  it('answers with exactly the user’s key, titles with it too, and charges nothing on a free endpoint', async () => {
    const before = await balance(alice);
    const holdsBefore = await holds(alice);
    const { events } = await ask(alice, 'byok', 'gpt-4o-mini');
    const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    expect(done.message).toMatchObject({ status: 'complete', cost: null, usage: { outputTokens: 12 } });
    expect(events.some((e) => e.type === 'title')).toBe(true);
    const calls = fake.requests.filter((r) => r.protocol === 'openai-chat');
    expect(calls).toHaveLength(2); // the reply and the title
    for (const call of calls) {
      expect(call.apiKey).toBe(ALICE_KEY);
      expect(call.headers.authorization).toBe(`Bearer ${ALICE_KEY}`);
    }
    expect(await balance(alice)).toBe(before);
    expect(await holds(alice)).toBe(holdsBefore);
  });

  it('refuses a user without a key before reserving credits or calling the provider', async () => {
    const before = await balance(bob);
    const holdsBefore = await holds(bob);
    for (const endpoint of ['byok', 'byok-paid']) {
      const model = endpoint === 'byok' ? 'gpt-4o-mini' : 'claude-haiku-4-5';
      const { response } = await ask(bob, endpoint, model);
      expect(response.statusCode).toBe(400);
      const { error } = response.json();
      expect(error).toMatchObject({ code: 'PROVIDER_KEY_REQUIRED', endpoint, reason: 'missing' });
      expect(error.message).toMatch(/Settings → Provider keys/);
    }
    expect(fake.requests).toEqual([]);
    expect(await balance(bob)).toBe(before);
    expect(await holds(bob)).toBe(holdsBefore);
    const conversations = (await bob.client.request({ method: 'GET', url: '/api/conversations' })).json();
    expect(conversations.items).toEqual([]);
  });

  it('uses the user’s key for regenerate as well', async () => {
    const { events } = await ask(alice, 'byok', 'gpt-4o-mini');
    const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    fake.reset();
    const response = await alice.client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'regenerate', messageId: done.message.id, endpoint: 'byok', model: 'gpt-4o-mini' },
    });
    expect(parseEvents(response.body).at(-1)!.type).toBe('done');
    expect(fake.requests.map((r) => r.apiKey)).toEqual([ALICE_KEY]);
    // Bob cannot regenerate on Alice's conversation, nor without a key of his own.
    const bobs = await bob.client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'regenerate', messageId: done.message.id, endpoint: 'byok', model: 'gpt-4o-mini' },
    });
    expect(bobs.statusCode).toBe(404);
  });

  it('charges credits on an endpoint configured with billing: credits', async () => {
    expect((await put(alice, 'byok-paid', ALICE_KEY)).statusCode).toBe(200);
    const before = await balance(alice);
    const { events } = await ask(alice, 'byok-paid', 'claude-haiku-4-5');
    const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    expect(done.message.cost).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.protocol === 'anthropic').every((r) => r.apiKey === ALICE_KEY)).toBe(true);
    // The reply (and its title) charged.
    expect(await balance(alice)).toBeLessThanOrEqual(before - done.message.cost!);
  });

  it('bills a reply interrupted by a crash on a billing: credits endpoint at the endpoint’s price', async () => {
    expect((await put(alice, 'byok-paid', ALICE_KEY)).statusCode).toBe(200);
    const ledger = createLedger(t.database.db, configSchema.parse({}).billing);
    await ledger.reserve({ userId: alice.id, reservationId: 'gen-byok-crash', amount: 50_000 });
    const before = await balance(alice);
    await t.database.db.execute(sql`insert into conversations (id, user_id) values ('conv-byok-crash', ${alice.id})`);
    await t.database.db.execute(sql`
      insert into messages (id, conversation_id, role, content, status, endpoint, model, generation_id, updated_at)
      values ('m-byok-crash', 'conv-byok-crash', 'assistant', 'Half an answer that was saved', 'streaming',
              'byok-paid', 'claude-haiku-4-5', 'gen-byok-crash', now() - interval '10 minutes')`);

    await t.app.chat.sweepOrphans();

    const [message] = (await alice.client.request({ method: 'GET', url: '/api/conversations/conv-byok-crash' })).json()
      .messages as { cost: number }[];
    expect(message!.cost).toBeGreaterThan(0);
    expect(await balance(alice)).toBe(before + 50_000 - message!.cost);
    expect(await ledger.verify()).toEqual([]);
  });

  it('reports a key the provider rejects as the readable provider error, charging nothing', async () => {
    expect((await put(bob, 'byok', 'bad-key')).statusCode).toBe(200);
    const { events } = await ask(bob, 'byok', 'gpt-4o-mini');
    const last = events.at(-1) as Extract<ChatEvent, { type: 'error' }>;
    expect(last.type).toBe('error');
    expect(last.error).toMatchObject({ code: 'PROVIDER_AUTH', status: 401, userKey: true });
    expect(last.error.message).toContain('your API key');
    expect(last.message).toMatchObject({ status: 'error', content: '' });
    expect(fake.requests.map((r) => r.apiKey)).toEqual(['bad-key']);
    expect((await remove(bob, 'byok')).statusCode).toBe(204);
  });

  it('calls the provider with the key owner’s key through /v1/chat/completions', async () => {
    const response = await complete(alice.token, 'byok/gpt-4o-mini');
    expect(response.statusCode).toBe(200);
    expect(response.json().choices[0].message.content).toMatch(/^Fake reply/);
    expect(fake.requests.map((r) => r.apiKey)).toEqual([ALICE_KEY]);

    fake.reset();
    const refused = await complete(bob.token, 'byok/gpt-4o-mini');
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      type: 'invalid_request_error',
      code: 'provider_key_required',
      message: expect.stringMatching(/own API key/),
    });
    expect(fake.requests).toEqual([]);
  });

  it('replaces a key, and forgets it on delete', async () => {
    const replaced = await put(alice, 'byok', BOB_KEY);
    expect(replaced.json()).toMatchObject({ hasKey: true, hint: '9876' });
    await ask(alice, 'byok', 'gpt-4o-mini', 'Again');
    expect(fake.requests.find((r) => r.protocol === 'openai-chat')!.apiKey).toBe(BOB_KEY);

    expect((await remove(alice, 'byok')).statusCode).toBe(204);
    expect((await remove(alice, 'byok')).statusCode).toBe(204);
    expect((await keys(alice)).find((k) => k.endpointId === 'byok')).toMatchObject({ hasKey: false, hint: null });
    const { response } = await ask(alice, 'byok', 'gpt-4o-mini');
    expect(response.json().error.code).toBe('PROVIDER_KEY_REQUIRED');
  });

  it('treats keys saved under another server secret as unreadable, asking to enter them again', async () => {
    expect((await put(alice, 'byok', ALICE_KEY)).statusCode).toBe(200);
    const rotated = await buildApp({
      config: configSchema.parse({ log: { level: 'silent' }, ...config }),
      database: t.database,
      secret: 'a-different-secret-after-a-botched-migration',
      web: null,
      env: {},
    });
    try {
      const as = (token: string) => ({ authorization: `Bearer ${token}` });
      const listed = (await rotated.inject({ method: 'GET', url: '/api/provider-keys', headers: as(alice.token) }))
        .json()
        .keys.find((k: ProviderKey) => k.endpointId === 'byok');
      expect(listed).toMatchObject({ hasKey: false, status: 'unreadable', hint: 'A1B2' });
      const endpoints = (await rotated.inject({ method: 'GET', url: '/api/models', headers: as(alice.token) })).json()
        .endpoints as EndpointInfo[];
      expect(endpoints.find((e) => e.id === 'byok')!.userKey).toBe('required');

      const chat = await rotated.inject({
        method: 'POST',
        url: '/api/chat',
        headers: as(alice.token),
        payload: { action: 'send', parentId: null, content: 'Hi', endpoint: 'byok', model: 'gpt-4o-mini' },
      });
      expect(chat.statusCode).toBe(400);
      expect(chat.json().error).toMatchObject({ code: 'PROVIDER_KEY_REQUIRED', reason: 'unreadable' });
      expect(chat.json().error.message).toMatch(/can no longer be read.*Enter it again/);
      expect(fake.requests).toEqual([]);

      // Entering it again under the new secret works.
      const again = await rotated.inject({
        method: 'PUT',
        url: '/api/provider-keys/byok',
        headers: as(alice.token),
        payload: { apiKey: ALICE_KEY },
      });
      expect(again.json()).toMatchObject({ status: 'set', hasKey: true });
      const v1 = await rotated.inject({
        method: 'POST',
        url: '/v1/chat/completions',
        headers: as(alice.token),
        payload: { model: 'byok/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
      });
      expect(v1.statusCode).toBe(200);
      expect(fake.requests.map((r) => r.apiKey)).toEqual([ALICE_KEY]);
    } finally {
      await rotated.close();
    }
  });

  it('does not decrypt a ciphertext copied into another user’s row', async () => {
    expect((await put(alice, 'byok', ALICE_KEY)).statusCode).toBe(200);
    const [row] = await t.database.db
      .select()
      .from(userProviderKeys)
      .where(and(eq(userProviderKeys.userId, alice.id), eq(userProviderKeys.endpointId, 'byok')));
    await t.database.db
      .insert(userProviderKeys)
      .values({ userId: bob.id, endpointId: 'byok', encrypted: row!.encrypted, hint: row!.hint })
      .onConflictDoUpdate({
        target: [userProviderKeys.userId, userProviderKeys.endpointId],
        set: { encrypted: row!.encrypted, hint: row!.hint },
      });
    expect((await keys(bob)).find((k) => k.endpointId === 'byok')).toMatchObject({ status: 'unreadable' });
    const { response } = await ask(bob, 'byok', 'gpt-4o-mini');
    expect(response.json().error).toMatchObject({ code: 'PROVIDER_KEY_REQUIRED', reason: 'unreadable' });
    expect(fake.requests).toEqual([]);
  });
});
