import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, Conversation } from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents } from '../test/sse.ts';

interface SentBody {
  messages: { role: string; content: unknown }[];
  system?: unknown;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
}

describe.each(testDatabases)('conversation settings reach the provider on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let client: Client;
  const target = { endpoint: 'fake', model: 'gpt-4o-mini' };

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 12 } });
    t = await startTestApp(
      db,
      {
        billing: { startBalance: 10_000_000 },
        chat: { titles: false, maxOutputTokens: 999 },
        endpoints: [
          { id: 'fake', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['gpt-4o-mini'] },
          { id: 'claude', kind: 'anthropic', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['claude-sonnet-4-5'] },
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
  beforeEach(() => fake.reset());

  async function chat(payload: Record<string, unknown>) {
    const response = await client.request({ method: 'POST', url: '/api/chat', payload });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    const events = parseEvents(response.body);
    const start = events[0] as Extract<ChatEvent, { type: 'start' }>;
    const end = events.find((e) => e.type === 'done' || e.type === 'error') as Extract<ChatEvent, { type: 'done' }>;
    expect(end.type).toBe('done');
    return { start, done: end };
  }
  /** The body of the last chat request the provider received. */
  const sent = () => fake.requests.filter((r) => r.path.endsWith('/chat/completions')).at(-1)!.body as SentBody;
  const patch = (id: string, payload: object) =>
    client.request({ method: 'PATCH', url: `/api/conversations/${id}`, payload });

  it('uses the system prompt and parameters given with the first message, and keeps them for the next', async () => {
    const first = await chat({
      action: 'send',
      parentId: null,
      content: 'Ahoy',
      systemPrompt: 'You are a pirate.',
      params: { temperature: 0.3, topP: 0.8, maxOutputTokens: 7 },
      ...target,
    });
    expect(first.start.conversation).toMatchObject({
      systemPrompt: 'You are a pirate.',
      params: { temperature: 0.3, topP: 0.8, maxOutputTokens: 7 },
    });
    let body = sent();
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are a pirate.' });
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.8, max_tokens: 7 });
    // The provider stopped at the limit.
    expect(first.done.message).toMatchObject({ finishReason: 'length', usage: { outputTokens: 7 } });

    // A follow-up without settings uses the conversation's.
    const conversationId = first.start.conversation.id;
    await chat({ action: 'send', conversationId, parentId: first.done.message.id, content: 'And then?', ...target });
    body = sent();
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(body.messages[0]!.content).toBe('You are a pirate.');
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.8, max_tokens: 7 });

    // A blank system prompt at creation is none.
    await chat({ action: 'send', parentId: null, content: 'Plain', systemPrompt: '   ', ...target });
    body = sent();
    expect(body.messages.map((m) => m.role)).toEqual(['user']);
  });

  it('applies settings changed later through PATCH to sends, regenerations and continuations', async () => {
    const first = await chat({ action: 'send', parentId: null, content: 'Hello', ...target });
    const id = first.start.conversation.id;
    let body = sent();
    expect(body.messages.map((m) => m.role)).toEqual(['user']);
    expect(body.temperature).toBeUndefined();
    expect(body.top_p).toBeUndefined();
    expect(body.max_tokens).toBe(999); // the server's default

    const updated = await patch(id, {
      systemPrompt: 'Answer in French.',
      params: { temperature: 1.5, topP: 0.5, maxOutputTokens: 5 },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ systemPrompt: 'Answer in French.', params: { temperature: 1.5 } });

    const second = await chat({
      action: 'send',
      conversationId: id,
      parentId: first.done.message.id,
      content: 'Again',
      ...target,
    });
    body = sent();
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Answer in French.' });
    expect(body).toMatchObject({ temperature: 1.5, top_p: 0.5, max_tokens: 5 });
    expect(second.done.message.finishReason).toBe('length');

    await chat({ action: 'regenerate', messageId: second.done.message.id, ...target });
    expect(sent()).toMatchObject({ temperature: 1.5, top_p: 0.5, max_tokens: 5 });
    expect(sent().messages[0]!.role).toBe('system');

    await chat({ action: 'continue', messageId: second.done.message.id });
    expect(sent()).toMatchObject({ temperature: 1.5, top_p: 0.5, max_tokens: 5 });
    expect(sent().messages[0]!.role).toBe('system');

    // Back to defaults: params {} and no system prompt (a blank one counts as none).
    const reset = (await patch(id, { systemPrompt: '  ', params: {} })).json() as Conversation;
    expect(reset).toMatchObject({ systemPrompt: null, params: {} });
    await chat({ action: 'send', conversationId: id, parentId: second.done.message.id, content: 'Plain', ...target });
    body = sent();
    expect(body.messages[0]!.role).toBe('user');
    expect(body.temperature).toBeUndefined();
    expect(body.max_tokens).toBe(999);

    // Only some parameters: the others stay unset.
    await patch(id, { params: { topP: 0.25 } });
    await chat({ action: 'send', conversationId: id, parentId: second.done.message.id, content: 'Top p', ...target });
    expect(sent().top_p).toBe(0.25);
    expect(sent().temperature).toBeUndefined();
  });

  it('passes the system prompt to a provider with its own system field (Anthropic)', async () => {
    await chat({
      action: 'send',
      parentId: null,
      content: 'Hi',
      endpoint: 'claude',
      model: 'claude-sonnet-4-5',
      systemPrompt: 'Be brief.',
      params: { temperature: 0.2, maxOutputTokens: 9 },
    });
    const request = fake.requests.filter((r) => r.path.endsWith('/messages')).at(-1)!;
    const body = request.body as SentBody;
    expect(JSON.stringify(body.system)).toContain('Be brief.');
    expect(body).toMatchObject({ temperature: 0.2, max_tokens: 9 });
  });

  it('continues an Anthropic reply as a prefill of its text, without trailing whitespace', async () => {
    const first = await chat({
      action: 'send',
      parentId: null,
      content: 'Count slowly [[fake tokens=12]]',
      endpoint: 'claude',
      model: 'claude-sonnet-4-5',
      params: { maxOutputTokens: 5 },
    });
    const cut = first.done.message;
    expect(cut.finishReason).toBe('length');
    const continued = await chat({ action: 'continue', messageId: cut.id });
    const body = fake.requests.filter((r) => r.path.endsWith('/messages')).at(-1)!.body as {
      messages: { role: string; content: string | { text: string }[] }[];
    };
    const text = (m: (typeof body.messages)[number]) =>
      typeof m.content === 'string' ? m.content : m.content.map((c) => c.text).join('');
    expect(body.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(text(body.messages.at(-1)!)).toBe(cut.content.trimEnd());
    expect(continued.done.message.content.startsWith(cut.content.trimEnd())).toBe(true);
    expect(continued.done.message.content.length).toBeGreaterThan(cut.content.length);
  });

  it('copies the settings into duplicates and forks', async () => {
    const first = await chat({
      action: 'send',
      parentId: null,
      content: 'Original',
      systemPrompt: 'Stay in character.',
      params: { temperature: 0.7 },
      ...target,
    });
    const id = first.start.conversation.id;
    const copy = await client.request({ method: 'POST', url: `/api/conversations/${id}/duplicate`, payload: {} });
    expect(copy.json()).toMatchObject({ systemPrompt: 'Stay in character.', params: { temperature: 0.7 } });
    const fork = await client.request({
      method: 'POST',
      url: `/api/conversations/${id}/fork`,
      payload: { messageId: first.done.message.id },
    });
    expect(fork.json()).toMatchObject({ systemPrompt: 'Stay in character.', params: { temperature: 0.7 } });
  });

  it('rejects settings out of range, naming the field', async () => {
    const { start } = await chat({ action: 'send', parentId: null, content: 'Check', ...target });
    for (const [params, field] of [
      [{ temperature: 2.1 }, 'params.temperature'],
      [{ topP: -0.5 }, 'params.topP'],
      [{ maxOutputTokens: 0 }, 'params.maxOutputTokens'],
    ] as const) {
      const response = await patch(start.conversation.id, { params });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields[0].field).toBe(field);
    }
    const long = await patch(start.conversation.id, { systemPrompt: 'x'.repeat(20_001) });
    expect(long.statusCode).toBe(400);
    const atCreation = await client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'send', parentId: null, content: 'x', params: { temperature: 5 }, ...target },
    });
    expect(atCreation.statusCode).toBe(400);
  });

  it('lists archived conversations on their own, page by page, and unarchiving moves them back', async () => {
    const other = new Client(t.app, '10.0.2.1');
    await other.signUp(uniqueEmail('archivist'));
    const make = async (content: string) => {
      const response = await other.request({
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', parentId: null, content, ...target },
      });
      return (parseEvents(response.body)[0] as Extract<ChatEvent, { type: 'start' }>).conversation.id;
    };
    const ids = [];
    for (const name of ['one', 'two', 'three', 'four']) ids.push(await make(name));
    await other.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'send', parentId: null, content: 'temp', temporary: true, ...target },
    });
    for (const id of ids.slice(0, 3)) {
      const r = await other.request({ method: 'PATCH', url: `/api/conversations/${id}`, payload: { archived: true } });
      expect(r.json().archived).toBe(true);
    }
    const page = async (archived: boolean, cursor?: string) =>
      (
        await other.request({
          method: 'GET',
          url: '/api/conversations',
          query: { archived: String(archived), limit: '2', ...(cursor ? { cursor } : {}) },
        })
      ).json() as { items: Conversation[]; nextCursor: string | null };

    const p1 = await page(true);
    expect(p1.items).toHaveLength(2);
    expect(p1.nextCursor).not.toBeNull();
    const p2 = await page(true, p1.nextCursor!);
    expect(p2.items).toHaveLength(1);
    expect(p2.nextCursor).toBeNull();
    const archived = [...p1.items, ...p2.items];
    expect(archived.every((c) => c.archived)).toBe(true);
    // Newest archived first (archiving touches updatedAt).
    expect(archived.map((c) => c.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await page(false)).items.map((c) => c.id)).toEqual([ids[3]]);

    await other.request({ method: 'PATCH', url: `/api/conversations/${ids[1]}`, payload: { archived: false } });
    expect((await page(true)).items.map((c) => c.id)).toEqual([ids[2], ids[0]]);
    expect((await page(false)).items.map((c) => c.id)).toEqual([ids[1], ids[3]]);
    // An archived conversation still opens and takes new messages.
    const opened = await other.request({ method: 'GET', url: `/api/conversations/${ids[0]}` });
    expect(opened.json().conversation.archived).toBe(true);
    // Someone else's archive is not visible.
    expect((await client.request({ method: 'GET', url: '/api/conversations?archived=true' })).json().items).toEqual([]);
  });
});
