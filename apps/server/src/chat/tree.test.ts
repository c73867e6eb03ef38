import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationSchema,
  conversationWithMessagesSchema,
  messageSchema,
  type ChatEvent,
  type Message,
} from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents } from '../test/sse.ts';
import { queryRows } from '../db/sql.ts';

describe.each(testDatabases)('conversations and the message tree on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let client: Client;
  const target = { endpoint: 'fake', model: 'gpt-4o-mini' };

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 8 } });
    t = await startTestApp(
      db,
      {
        billing: { startBalance: 10_000_000 },
        endpoints: [
          { id: 'fake', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['gpt-4o-mini'] },
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

  async function chat(payload: Record<string, unknown>) {
    const response = await client.request({ method: 'POST', url: '/api/chat', payload });
    expect(response.statusCode).toBe(200);
    const events = parseEvents(response.body);
    const start = events[0] as Extract<ChatEvent, { type: 'start' }>;
    const done = events.find((e) => e.type === 'done') as Extract<ChatEvent, { type: 'done' }>;
    return { start, done, events };
  }
  const send = (content: string, conversationId?: string, parentId: string | null = null) =>
    chat({ action: 'send', content, conversationId, parentId, ...target });
  /** The conversation as the API sends it, checked against its shared schema (no field missing, none extra). */
  const load = async (id: string) => {
    const body = (await client.request({ method: 'GET', url: `/api/conversations/${id}` })).json();
    const parsed = conversationWithMessagesSchema.parse(body);
    for (const message of body.messages)
      expect(Object.keys(message).sort()).toEqual(Object.keys(messageSchema.shape).sort());
    expect(Object.keys(body.conversation).sort()).toEqual(Object.keys(conversationSchema.shape).sort());
    return parsed;
  };

  it('builds a tree: follow-ups, regenerated siblings, edited branches and continued replies', async () => {
    const first = await send('First question');
    const conversationId = first.start.conversation.id;
    expect(first.events.find((e) => e.type === 'title')).toMatchObject({ type: 'title' });
    const followUp = await send('Second question', conversationId, first.done.message.id);
    expect(followUp.start.userMessage!.parentId).toBe(first.done.message.id);

    const regenerated = await chat({ action: 'regenerate', messageId: followUp.done.message.id, ...target });
    expect(regenerated.start.userMessage).toBeNull();
    expect(regenerated.done.message.parentId).toBe(followUp.start.userMessage!.id);
    expect(regenerated.done.message.content).not.toBe(followUp.done.message.content);

    const edited = await send('Second question, edited', conversationId, first.done.message.id);
    expect(edited.start.userMessage!.parentId).toBe(first.done.message.id);

    const before = edited.done.message.content;
    const continued = await chat({ action: 'continue', messageId: edited.done.message.id });
    expect(continued.done.message.id).toBe(edited.done.message.id);
    expect(continued.done.message.content.startsWith(before)).toBe(true);
    expect(continued.done.message.content.length).toBeGreaterThan(before.length);
    expect(continued.done.message.usage!.outputTokens).toBe(16);

    // The continued reply was sent to the provider with everything before it, the partial reply, and
    // (an OpenAI-style API answers a trailing assistant message anew) a request to go on from there.
    const lastRequest = fake.requests.at(-1)!.body as { messages: { role: string; content: string }[] };
    expect(lastRequest.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(lastRequest.messages.at(-2)!.content).toBe(before);
    expect(lastRequest.messages.at(-1)!.content).toMatch(/^Continue your previous reply exactly where it stopped/);

    const { conversation, messages } = await load(conversationId);
    expect(messages).toHaveLength(7);
    const children = (parentId: string | null) => messages.filter((m: Message) => m.parentId === parentId);
    expect(children(first.done.message.id)).toHaveLength(2);
    expect(children(followUp.start.userMessage!.id)).toHaveLength(2);
    expect(conversation.currentLeafId).toBe(edited.done.message.id);
    expect(conversation.totalCost).toBe(messages.reduce((sum: number, m: Message) => sum + (m.cost ?? 0), 0));
  });

  it('forks a branch, or a branch with its subtree, and duplicates a whole conversation', async () => {
    const first = await send('Root question');
    const id = first.start.conversation.id;
    const second = await send('Follow-up', id, first.done.message.id);
    await chat({ action: 'regenerate', messageId: second.done.message.id, ...target });

    const branchOnly = await client.request({
      method: 'POST',
      url: `/api/conversations/${id}/fork`,
      payload: { messageId: first.done.message.id },
    });
    expect(branchOnly.statusCode).toBe(201);
    expect((await load(branchOnly.json().id)).messages.map((m: Message) => m.content)).toEqual([
      'Root question',
      first.done.message.content,
    ]);

    const withBranches = await client.request({
      method: 'POST',
      url: `/api/conversations/${id}/fork`,
      payload: { messageId: first.done.message.id, includeBranches: true },
    });
    expect((await load(withBranches.json().id)).messages).toHaveLength(5);

    const copy = await client.request({ method: 'POST', url: `/api/conversations/${id}/duplicate` });
    const copied = await load(copy.json().id);
    expect(copied.messages).toHaveLength(5);
    expect(new Set(copied.messages.map((m: Message) => m.id)).size).toBe(5);
    expect(copied.conversation.currentLeafId).not.toBe((await load(id)).conversation.currentLeafId);
  });

  it('renames, pins, archives, pages and deletes conversations', async () => {
    const other = new Client(t.app, '10.7.0.1');
    await other.signUp(uniqueEmail());
    const ids: string[] = [];
    for (const q of ['one', 'two', 'three']) {
      const created = await other.request({
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', parentId: null, content: q, ...target },
      });
      ids.push((parseEvents(created.body)[0] as Extract<ChatEvent, { type: 'start' }>).conversation.id);
    }
    const patch = (id: string, body: object) =>
      other.request({ method: 'PATCH', url: `/api/conversations/${id}`, payload: body });
    expect((await patch(ids[0]!, { title: 'Renamed', pinned: true })).json()).toMatchObject({
      title: 'Renamed',
      pinned: true,
    });
    await patch(ids[1]!, { archived: true });

    const page1 = (await other.request({ method: 'GET', url: '/api/conversations?limit=1' })).json();
    expect(page1.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    const page2 = (
      await other.request({ method: 'GET', url: `/api/conversations?limit=1&cursor=${page1.nextCursor}` })
    ).json();
    expect(page2.items.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    expect(page2.nextCursor).toBeNull();
    const archived = (await other.request({ method: 'GET', url: '/api/conversations?archived=true' })).json();
    expect(archived.items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);

    expect((await other.request({ method: 'DELETE', url: `/api/conversations/${ids[2]}` })).statusCode).toBe(204);
    expect((await other.request({ method: 'GET', url: `/api/conversations/${ids[2]}` })).statusCode).toBe(404);
    // Someone else's conversation does not exist as far as this user can tell.
    expect((await client.request({ method: 'GET', url: `/api/conversations/${ids[0]}` })).statusCode).toBe(404);
    expect(
      (await client.request({ method: 'PATCH', url: `/api/conversations/${ids[0]}`, payload: { title: 'x' } }))
        .statusCode,
    ).toBe(404);
    expect((await patch(ids[0]!, { title: '' })).statusCode).toBe(400);
    expect((await other.request({ method: 'GET', url: '/api/conversations?cursor=garbage' })).statusCode).toBe(400);
  });

  it('keeps temporary chats out of the list', async () => {
    const temp = await chat({ action: 'send', parentId: null, content: 'secret', temporary: true, ...target });
    expect(temp.start.conversation.temporary).toBe(true);
    const list = (await client.request({ method: 'GET', url: '/api/conversations?limit=100' })).json();
    expect(list.items.map((c: { id: string }) => c.id)).not.toContain(temp.start.conversation.id);
  });

  it('names a conversation on a later send when its first title failed', async () => {
    // The title request sees only the question's first 2,000 characters, where the directive fails it.
    const question = `First [[fake fail=400]] ${'words '.repeat(400)} [[fake fail=0]]`;
    const first = await send(question);
    expect(first.events.some((e) => e.type === 'title')).toBe(false);
    expect((await load(first.start.conversation.id)).conversation.title).toBe('New chat');

    const second = await send('Second question', first.start.conversation.id, first.done.message.id);
    expect(second.events.find((e) => e.type === 'title')).toMatchObject({ type: 'title' });
    expect((await load(first.start.conversation.id)).conversation.title).not.toBe('New chat');
  });

  it('removes temporary chats 30 days after their last use, and only those', async () => {
    const temp = await chat({ action: 'send', parentId: null, content: 'old secret', temporary: true, ...target });
    const kept = await chat({ action: 'send', parentId: null, content: 'old but kept', ...target });
    const fresh = await chat({ action: 'send', parentId: null, content: 'new secret', temporary: true, ...target });
    const age = (id: string, days: number) =>
      t.database.db.execute(
        sql`update conversations set updated_at = now() - make_interval(days => ${days}) where id = ${id}`,
      );
    await age(temp.start.conversation.id, 31);
    await age(kept.start.conversation.id, 31);
    await age(fresh.start.conversation.id, 29);

    expect(await t.app.conversations.removeExpiredTemporary()).toBe(1);
    const status = async (id: string) =>
      (await client.request({ method: 'GET', url: `/api/conversations/${id}` })).statusCode;
    expect(await status(temp.start.conversation.id)).toBe(404);
    expect(await status(kept.start.conversation.id)).toBe(200);
    expect(await status(fresh.start.conversation.id)).toBe(200);
  });

  it('records how long a reply took, to its first token and in all', async () => {
    const { done } = await send('Timing please');
    expect(done.message.ttftMs).toEqual(expect.any(Number));
    expect(done.message.durationMs).toBeGreaterThanOrEqual(done.message.ttftMs!);
  });

  it('refuses bad chat requests without storing anything', async () => {
    const count = async () => {
      const [row] = await queryRows<Record<string, unknown>>(
        t.database.db,
        sql`select (select count(*) from messages)::int as messages, (select count(*) from conversations)::int as conversations,
                   (select count(*) from reservations)::int as reservations`,
      );
      return row;
    };
    const before = await count();
    const bad = [
      { action: 'send', parentId: null, content: '   ', ...target },
      { action: 'send', parentId: 'nope', content: 'x', ...target },
      { action: 'regenerate', messageId: 'nope', ...target },
      { action: 'dance' },
    ];
    for (const payload of bad) {
      const response = await client.request({ method: 'POST', url: '/api/chat', payload });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.code).toEqual(expect.any(String));
    }
    expect(await count()).toEqual(before);
  });
});
