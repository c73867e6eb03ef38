import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { ChatEvent, Message } from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { buildApp } from '../app.ts';
import { createLedger } from '../billing/ledger.ts';
import { configSchema, type ConfigInput } from '../config/schema.ts';
import { openDatabase } from '../db/client.ts';
import { Client, PAGE_ORIGIN, startTestApp, TEST_SECRET, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents, readEvents } from '../test/sse.ts';

const target = { endpoint: 'fake', model: 'gpt-4o-mini' };
const fakeEndpoint = (url: string) => [
  { id: 'fake', kind: 'openai-compatible' as const, baseURL: `${url}/v1`, apiKey: 'k', models: ['gpt-4o-mini'] },
];

/** A signed-in browser talking to a listening server over real HTTP. */
async function browser(app: TestApp['app'], baseUrl: string) {
  const client = new Client(app);
  await client.signUp(uniqueEmail());
  const cookie = client.cookieHeader();
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { cookie, origin: PAGE_ORIGIN, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  return { client, call };
}

/** A fake provider writing 60 tokens at 15 ms each, and an app listening on real HTTP that uses it. */
async function listeningApp(db: (typeof testDatabases)[number], titles: boolean) {
  const fake = await startFakeLlm({ defaults: { tokens: 60, delayMs: 15 } });
  const t = await startTestApp(
    db,
    { billing: { startBalance: 10_000_000 }, chat: { titles }, endpoints: fakeEndpoint(fake.url) },
    { env: {} },
  );
  return { fake, t, baseUrl: await t.app.listen({ port: 0, host: '127.0.0.1' }) };
}

describe.each(testDatabases)('streams that outlive their connection on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ fake, t, baseUrl } = await listeningApp(db, false));
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  it('lets a reloaded page (or a second tab) pick up a reply mid-way and see it finish', async () => {
    const { call } = await browser(t.app, baseUrl);
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ action: 'send', parentId: null, content: 'Tell me a story', ...target }),
    });
    const events = readEvents(response);
    const start = (await events.next()).value as Extract<ChatEvent, { type: 'start' }>;
    let seen = '';
    for await (const event of events) {
      if (event.type === 'delta') seen += event.text;
      if (seen.length > 40) break; // the page is reloaded: this connection goes away
    }
    const messageId = start.assistantMessage.id;

    const [tab1, tab2] = await Promise.all([
      call(`/api/chat/${messageId}/stream`),
      call(`/api/chat/${messageId}/stream`),
    ]);
    for (const tab of [tab1, tab2]) {
      let text = '';
      let done: Extract<ChatEvent, { type: 'done' }> | undefined;
      for await (const event of readEvents(tab)) {
        if (event.type === 'snapshot') text = event.message.content;
        if (event.type === 'delta') text += event.text;
        if (event.type === 'done') done = event;
      }
      expect(done!.message.status).toBe('complete');
      expect(done!.message.usage!.outputTokens).toBe(60);
      expect(text).toBe(done!.message.content);
      expect(text.startsWith(seen)).toBe(true);
    }
    // Reconnecting after the end just replays the saved reply.
    const after = parseEvents(await (await call(`/api/chat/${messageId}/stream`)).text());
    expect(after.map((e) => e.type)).toEqual(['snapshot', 'done']);
  });

  it('keeps generating and bills the full reply when the client vanishes', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    const controller = new AbortController();
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ action: 'send', parentId: null, content: 'Go', ...target }),
      signal: controller.signal,
    });
    const start = (await readEvents(response).next()).value as Extract<ChatEvent, { type: 'start' }>;
    controller.abort();
    const id = start.assistantMessage.id;
    const saved = async () =>
      (await client.request({ method: 'GET', url: `/api/conversations/${start.conversation.id}` }))
        .json()
        .messages.find((m: { id: string }) => m.id === id);
    await expect.poll(saved, { timeout: 10_000 }).toMatchObject({ status: 'complete', usage: { outputTokens: 60 } });
    expect((await saved()).cost).toBeGreaterThan(0);
  });

  it('stops on request, keeps the partial answer marked stopped, and bills only what was generated', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    const balanceBefore = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ action: 'send', parentId: null, content: 'Long one [[fake tokens=2000]]', ...target }),
    });
    const events = readEvents(response);
    const start = (await events.next()).value as Extract<ChatEvent, { type: 'start' }>;
    let deltas = 0;
    for await (const event of events) if (event.type === 'delta' && ++deltas === 5) break;

    const stopResponse = await call(`/api/chat/${start.assistantMessage.id}/stop`, { method: 'POST', body: '{}' });
    const stopped = (await stopResponse.json()) as Message;
    expect(stopped.status).toBe('stopped');
    expect(stopped.content.length).toBeGreaterThan(0);
    expect(stopped.usage!.outputTokens).toBeGreaterThanOrEqual(5);
    expect(stopped.usage!.outputTokens).toBeLessThan(2000);
    const spent = balanceBefore - (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    expect(spent).toBe(stopped.cost);
    expect(stopped.cost).toBeGreaterThan(0);
    expect(stopped.cost).toBeLessThan(2000 * 0.6);
    expect(await t.app.chat.runs.size).toBe(0);
  });

  /** Sends `content`, stops the reply once `ready` holds (no token has come yet) and returns it with the balance spent. */
  async function stopBeforeFirstToken(content: string, ready: () => boolean) {
    const { call, client } = await browser(t.app, baseUrl);
    const balance = async () => (await client.request({ method: 'GET', url: '/api/balance' })).json().credits as number;
    const before = await balance();
    fake.reset();
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({ action: 'send', parentId: null, content, ...target }),
    });
    const start = (await readEvents(response).next()).value as Extract<ChatEvent, { type: 'start' }>;
    while (!ready()) await new Promise((r) => setTimeout(r, 10));
    const stopped = (await (
      await call(`/api/chat/${start.assistantMessage.id}/stop`, { method: 'POST', body: '{}' })
    ).json()) as Message;
    const ledger = createLedger(t.database.db, configSchema.parse({}).billing);
    expect(await ledger.verify()).toEqual([]);
    return { stopped, spent: before - (await balance()) };
  }

  it('bills the prompt of a reply stopped before its first token once the provider has accepted it', async () => {
    let acceptedAt = 0;
    const { stopped, spent } = await stopBeforeFirstToken('Think first [[fake firstTokenDelayMs=5000]]', () => {
      if (fake.requests[0]?.status === 200) acceptedAt ||= Date.now();
      // The stream's head is on its way to the app: give it a moment to arrive.
      return acceptedAt > 0 && Date.now() - acceptedAt > 200;
    });
    expect(stopped).toMatchObject({ status: 'stopped', content: '', usage: { outputTokens: 0 } });
    expect(stopped.usage!.inputTokens).toBeGreaterThan(0);
    expect(stopped.cost).toBeGreaterThan(0);
    expect(spent).toBe(stopped.cost);
  });

  it('charges nothing for a reply stopped while the provider was refusing it (a 429 waiting to be retried)', async () => {
    const { stopped, spent } = await stopBeforeFirstToken(
      'Busy? [[fake fail=429 retryAfter=4]]',
      () => fake.requests[0]?.status === 429,
    );
    expect(stopped).toMatchObject({ status: 'stopped', content: '', cost: 0 });
    expect(spent).toBe(0);
  });
});

describe.each(testDatabases)('titles and deletions while a reply streams on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    ({ fake, t, baseUrl } = await listeningApp(db, true));
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const send = (call: Awaited<ReturnType<typeof browser>>['call'], content: string) =>
    call('/api/chat', { method: 'POST', body: JSON.stringify({ action: 'send', parentId: null, content, ...target }) });

  it('names a new conversation while it answers: one hold, and a spend row each for the reply and the title', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    fake.reset();
    const events: ChatEvent[] = [];
    for await (const event of readEvents(await send(call, 'Why is the sky blue?'))) events.push(event);
    const start = events[0] as Extract<ChatEvent, { type: 'start' }>;
    const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    const title = events.find((e) => e.type === 'title') as Extract<ChatEvent, { type: 'title' }>;
    expect(events.indexOf(title)).toBeGreaterThan(events.indexOf(done));
    expect(title.title.length).toBeGreaterThan(0);

    // The title was asked for while the reply was still being written, not after it.
    expect(fake.requests).toHaveLength(2);
    const titleRequest = fake.requests.find((r) => JSON.stringify(r.body).includes('Write a title'));
    expect(titleRequest).toBeDefined();

    const { conversation } = (
      await client.request({ method: 'GET', url: `/api/conversations/${start.conversation.id}` })
    ).json();
    expect(conversation.title).toBe(title.title);
    const { items } = (await client.request({ method: 'GET', url: '/api/transactions?limit=50' })).json() as {
      items: {
        kind: string;
        amount: number;
        description: string | null;
        outputTokens: number | null;
        conversationId: string | null;
      }[];
    };
    const rows = items.filter((r) => r.conversationId === start.conversation.id);
    expect(rows.map((r) => r.kind).sort()).toEqual(['hold', 'release', 'spend', 'spend']);
    const spends = rows.filter((r) => r.kind === 'spend');
    const replySpend = spends.find((r) => r.description === 'Reply')!;
    const titleSpend = spends.find((r) => r.description === 'Conversation title')!;
    expect(-replySpend.amount).toBe(done.message.cost);
    expect(titleSpend.amount).toBeLessThan(0);
    expect(titleSpend.outputTokens).toBeGreaterThan(0);
    const balance = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    expect(balance).toBe(10_000_000 + replySpend.amount + titleSpend.amount);
    expect(done.balance).toBe(balance);
  });

  it('bills and writes a title that comes after its reply on its own', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    // The reply stops after 2 tokens; the title (up to 24 tokens at 150 ms each) outlasts the wait for it.
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({
        action: 'send',
        parentId: null,
        content: 'A slow title [[fake tokens=24 delayMs=150]]',
        params: { maxOutputTokens: 2 },
        ...target,
      }),
    });
    const events: ChatEvent[] = [];
    for await (const event of readEvents(response)) events.push(event);
    const start = events[0] as Extract<ChatEvent, { type: 'start' }>;
    expect(events.some((e) => e.type === 'done')).toBe(true);
    expect(events.some((e) => e.type === 'title')).toBe(false);

    const load = async () =>
      (await client.request({ method: 'GET', url: `/api/conversations/${start.conversation.id}` })).json();
    await expect.poll(async () => (await load()).conversation.title, { timeout: 10_000 }).not.toBe('New chat');
    const spends = async () =>
      (
        (await client.request({ method: 'GET', url: '/api/transactions?kind=spend&limit=10' })).json().items as {
          description: string | null;
        }[]
      )
        .map((r) => r.description)
        .sort();
    await expect.poll(spends).toEqual(['Conversation title', 'Reply']);
    expect(await createLedger(t.database.db, configSchema.parse({}).billing).verify()).toEqual([]);
  });

  it('keeps a title the user sets while the first reply streams', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    const events = readEvents(await send(call, 'Tell me about tides'));
    const start = (await events.next()).value as Extract<ChatEvent, { type: 'start' }>;
    const renamed = await client.request({
      method: 'PATCH',
      url: `/api/conversations/${start.conversation.id}`,
      payload: { title: 'My own title' },
    });
    expect(renamed.statusCode).toBe(200);
    const rest: ChatEvent[] = [];
    for await (const event of events) rest.push(event);
    expect(rest.some((e) => e.type === 'done')).toBe(true);
    expect(rest.some((e) => e.type === 'title')).toBe(false);
    const { conversation } = (
      await client.request({ method: 'GET', url: `/api/conversations/${start.conversation.id}` })
    ).json();
    expect(conversation.title).toBe('My own title');
  });

  it('ends the stream, stops generating and bills what was written when the conversation is deleted mid-reply', async () => {
    const { call, client } = await browser(t.app, baseUrl);
    fake.reset();
    const events = readEvents(await send(call, 'Write a long poem [[fake tokens=400]]'));
    const start = (await events.next()).value as Extract<ChatEvent, { type: 'start' }>;
    let text = '';
    while (text.length <= 20) {
      const { value } = await events.next();
      if (value?.type === 'delta') text += value.text;
    }
    const deleted = await client.request({ method: 'DELETE', url: `/api/conversations/${start.conversation.id}` });
    expect(deleted.statusCode).toBe(204);
    const rest: ChatEvent[] = [];
    for await (const event of events) rest.push(event);
    const done = rest.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    expect(done.message).toMatchObject({ id: start.assistantMessage.id, status: 'stopped' });
    expect(done.message.usage!.outputTokens).toBeLessThan(400);
    expect(t.app.chat.runs.size).toBe(0);
    const balance = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    expect(balance).toBeLessThan(10_000_000);
    expect(await createLedger(t.database.db, configSchema.parse({}).billing).verify()).toEqual([]);
  });
});

describe.each(testDatabases)('paying for replies on $name', (db) => {
  it('lets only the affordable ones of 50 concurrent replies reach the provider; the rest get 402', async () => {
    // Replies outlast the burst (a finished reply hands back most of its hold, which would let another in).
    const fake = await startFakeLlm({ defaults: { tokens: 50, delayMs: 2, firstTokenDelayMs: 3_000 } });
    const config: ConfigInput = {
      chat: { titles: false, maxOutputTokens: 1_000 },
      billing: { startBalance: 0, prices: { 'gpt-4o-mini': { input: 1, output: 10 } } },
      endpoints: fakeEndpoint(fake.url),
    };
    const t = await startTestApp(db, config, { env: {} });
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const user = (await client.me()).json();
      // Each reply holds prompt (~15) + 1,000 output tokens × 10 = ~10,150 credits: 31,000 covers three.
      await t.app.inject({ method: 'GET', url: '/api/health' });
      const { createLedger } = await import('../billing/ledger.ts');
      const ledger = createLedger(t.database.db, configSchema.parse(config).billing);
      await ledger.adjust({ userId: user.id, amount: 31_000, kind: 'grant', key: `test-${user.id}` });

      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          client.request({
            method: 'POST',
            url: '/api/chat',
            payload: { action: 'send', parentId: null, content: 'Hi', ...target },
          }),
        ),
      );
      const ok = responses.filter((r) => r.statusCode === 200);
      const refused = responses.filter((r) => r.statusCode === 402);
      expect(ok.length).toBeLessThanOrEqual(3);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(ok.length + refused.length).toBe(50);
      expect(refused[0]!.json().error).toMatchObject({
        code: 'INSUFFICIENT_CREDITS',
        balance: expect.any(Number),
        required: expect.any(Number),
      });
      expect(fake.requests.filter((r) => r.protocol === 'openai-chat')).toHaveLength(ok.length);

      const balance = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
      expect(balance).toBeGreaterThanOrEqual(0);
      const charged = ok.map((r) => (parseEvents(r.body).at(-1) as Extract<ChatEvent, { type: 'done' }>).message.cost!);
      expect(balance).toBe(31_000 - charged.reduce((a, b) => a + b, 0));
      expect(await ledger.verify()).toEqual([]);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('lowers the output limit of a reply to what the balance covers, and says so in a notice', async () => {
    const fake = await startFakeLlm({ defaults: { tokens: 20 } });
    const config: ConfigInput = {
      chat: { titles: false, maxOutputTokens: 1_000 },
      billing: { startBalance: 0, prices: { 'gpt-4o-mini': { input: 1, output: 10 } } },
      endpoints: fakeEndpoint(fake.url),
    };
    const t = await startTestApp(db, config, { env: {} });
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const user = (await client.me()).json();
      // A full reply holds ~10,150 credits; 5,150 covers the prompt and about 500 output tokens.
      const ledger = createLedger(t.database.db, configSchema.parse(config).billing);
      await ledger.adjust({ userId: user.id, amount: 5_150, kind: 'grant', key: `test-${user.id}` });
      const response = await client.request({
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', parentId: null, content: 'Hi', ...target },
      });
      const events = parseEvents(response.body);
      const notice = events.find((e) => e.type === 'notice') as Extract<ChatEvent, { type: 'notice' }>;
      expect(notice).toMatchObject({ code: 'OUTPUT_LIMIT_LOWERED', requested: 1_000 });
      expect(notice.maxOutputTokens).toBeGreaterThan(400);
      expect(notice.maxOutputTokens).toBeLessThan(515);
      expect((fake.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(notice.maxOutputTokens);
      expect(events.at(-1)!.type).toBe('done');

      // A balance that covers the whole reply gets no notice.
      await ledger.adjust({ userId: user.id, amount: 100_000, kind: 'grant', key: `more-${user.id}` });
      const full = await client.request({
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', parentId: null, content: 'Hi', ...target },
      });
      expect(parseEvents(full.body).map((e) => e.type)).not.toContain('notice');
      expect((fake.requests.at(-1)!.body as { max_tokens: number }).max_tokens).toBe(1_000);
    } finally {
      await t.close();
      await fake.close();
    }
  });

  it('finishes and bills a reply whose server died mid-way', async () => {
    const t = await startTestApp(db, { billing: { startBalance: 100_000 }, endpoints: [] }, { env: {} });
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      const user = (await client.me()).json();
      // What a crashed instance leaves behind: a held reservation and a streaming message with saved text.
      const { createLedger } = await import('../billing/ledger.ts');
      const ledger = createLedger(t.database.db, configSchema.parse({}).billing);
      await ledger.reserve({ userId: user.id, reservationId: 'gen-1', amount: 5_000 });
      const conversationId = 'conv-crash';
      await t.database.db.execute(sql`insert into conversations (id, user_id) values (${conversationId}, ${user.id})`);
      await t.database.db.execute(sql`
        insert into messages (id, conversation_id, role, content, status, endpoint, model, generation_id, updated_at)
        values ('m-crash', ${conversationId}, 'assistant', 'Half an answer that was saved', 'streaming',
                'tessera-demo', 'tessera-demo', 'gen-1', now() - interval '10 minutes')`);
      await ledger.reserve({ userId: user.id, reservationId: 'gen-orphan', amount: 700 });
      // A reply that finished but whose settlement failed (the database was down at that moment).
      await ledger.reserve({ userId: user.id, reservationId: 'gen-unsettled', amount: 900 });
      await t.database.db.execute(sql`
        insert into messages (id, conversation_id, role, content, status, endpoint, model, generation_id)
        values ('m-unsettled', ${conversationId}, 'assistant', 'Done', 'complete', 'tessera-demo', 'tessera-demo',
                'gen-unsettled')`);
      await t.database.db.execute(
        sql`update reservations set created_at = now() - interval '2 hours' where id in ('gen-orphan', 'gen-unsettled')`,
      );
      // An OpenAI-compatible API call (no message) streaming for ten minutes already: still running.
      await ledger.reserve({ userId: user.id, reservationId: 'gen-api-running', amount: 300 });
      await t.database.db.execute(
        sql`update reservations set created_at = now() - interval '10 minutes' where id = 'gen-api-running'`,
      );

      expect(await t.app.chat.sweepOrphans()).toBe(1);
      const { messages } = (
        await client.request({ method: 'GET', url: `/api/conversations/${conversationId}` })
      ).json();
      const crashed = messages.find((m: Message) => m.id === 'm-crash');
      expect(crashed).toMatchObject({
        status: 'error',
        content: 'Half an answer that was saved',
        error: { code: 'INTERRUPTED' },
      });
      expect(crashed.cost).toBeGreaterThan(0);
      // Every abandoned hold came back; the crashed reply is paid; the running API call keeps its hold.
      const balance = (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
      expect(balance).toBe(100_000 - crashed.cost - 300);
      expect(await ledger.verify()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe.each(testDatabases.filter((d) => d.name === 'postgres'))('two instances on $name', (db) => {
  it('follows a reply written by another instance and stops it from there', async () => {
    const fake = await startFakeLlm({ defaults: { tokens: 400, delayMs: 10 } });
    const created = await db.create();
    const databases = await Promise.all([openDatabase(created.target), openDatabase(created.target)]);
    await databases[0]!.migrate();
    const config = configSchema.parse({
      log: { level: 'silent' },
      chat: { titles: false },
      billing: { startBalance: 10_000_000 },
      endpoints: fakeEndpoint(fake.url),
    });
    const apps = await Promise.all(
      databases.map((database) => buildApp({ config, database, secret: TEST_SECRET, web: null, env: {} })),
    );
    try {
      const urls = await Promise.all(apps.map((a) => a.listen({ port: 0, host: '127.0.0.1' })));
      const a = await browser(apps[0]!, urls[0]!);
      const cookie = a.client.cookieHeader();
      const onB = (path: string, init: RequestInit = {}) =>
        fetch(`${urls[1]}${path}`, {
          ...init,
          headers: { cookie, origin: PAGE_ORIGIN, 'content-type': 'application/json' },
        });

      const response = await a.call('/api/chat', {
        method: 'POST',
        body: JSON.stringify({ action: 'send', parentId: null, content: 'Hi', ...target }),
      });
      const start = (await readEvents(response).next()).value as Extract<ChatEvent, { type: 'start' }>;
      const id = start.assistantMessage.id;
      await new Promise((r) => setTimeout(r, 1_000));

      const follow = readEvents(await onB(`/api/chat/${id}/stream`));
      const first = (await follow.next()).value as Extract<ChatEvent, { type: 'snapshot' }>;
      expect(first.type).toBe('snapshot');
      expect(first.message.content.length).toBeGreaterThan(0);

      await onB(`/api/chat/${id}/stop`, { method: 'POST', body: '{}' });
      let last: ChatEvent | undefined;
      for await (const event of follow) last = event;
      expect(last).toMatchObject({ type: 'done', message: { status: 'stopped' } });
      expect((last as Extract<ChatEvent, { type: 'done' }>).message.usage!.outputTokens).toBeLessThan(400);
    } finally {
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(databases.map((d) => d.close()));
      await created.drop();
      await fake.close();
    }
  });
});
