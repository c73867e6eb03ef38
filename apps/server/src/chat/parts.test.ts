import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, MessagePart } from '@tessera/shared';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { Client, PAGE_ORIGIN, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents, readEvents } from '../test/sse.ts';

const THINKING = 'Weighing the options carefully';

describe.each(testDatabases)('messages made of parts on $name', (db) => {
  let fake: FakeLlm;
  let t: TestApp;
  let client: Client;
  let baseUrl: string;

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 6 } });
    t = await startTestApp(
      db,
      {
        chat: { titles: false },
        billing: { startBalance: 10_000_000 },
        endpoints: [
          {
            id: 'fake',
            kind: 'openai-compatible',
            baseURL: `${fake.url}/v1`,
            apiKey: 'k',
            models: ['deepseek-reasoner'],
          },
          { id: 'claude', kind: 'anthropic', baseURL: `${fake.url}/v1`, apiKey: 'k', models: ['claude-sonnet-4-5'] },
        ],
      },
      { env: {} },
    );
    baseUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
    client = new Client(t.app);
    await client.signUp(uniqueEmail());
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const send = async (endpoint: string, model: string, content: string) => {
    const response = await client.request({
      method: 'POST',
      url: '/api/chat',
      payload: { action: 'send', parentId: null, content, endpoint, model },
    });
    expect(response.statusCode).toBe(200);
    return parseEvents(response.body);
  };

  /** The parts a client following the deltas would hold. */
  function follow(events: ChatEvent[]): MessagePart[] {
    const parts: MessagePart[] = [];
    for (const event of events) {
      if (event.type !== 'delta') continue;
      const part = parts[event.index];
      if (part && 'text' in part) part.text += event.text;
      else parts[event.index] = { type: event.part, text: event.text };
    }
    return parts;
  }

  it.each([
    ['an OpenAI-compatible API (reasoning_content)', 'fake', 'deepseek-reasoner'],
    ['Anthropic (thinking blocks)', 'claude', 'claude-sonnet-4-5'],
  ])('shows, stores and reloads a reply that reasons first, from %s', async (_name, endpoint, model) => {
    const events = await send(endpoint, model, `Think first [[fake thinkingText="${THINKING}"]]`);
    const done = events.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    expect(done.type).toBe('done');
    const [reasoning, text] = done.message.parts;
    expect(reasoning).toEqual({ type: 'reasoning', text: THINKING });
    expect(text).toMatchObject({ type: 'text' });
    expect(done.message.parts).toHaveLength(2);
    // The plain content is the answer alone; the reasoning is billed as output (6 tokens of answer).
    expect(done.message.content).toBe((text as { text: string }).text);
    expect(done.message.content).not.toContain('Weighing');
    expect(done.message.usage!.outputTokens).toBeGreaterThan(6);
    // The deltas name their part: reasoning at 0, then the answer at 1.
    expect(events.filter((e) => e.type === 'delta').map((e) => (e as { index: number }).index)).toEqual(
      expect.arrayContaining([0, 1]),
    );
    expect(follow(events)).toEqual(done.message.parts);

    const saved = (
      await client.request({ method: 'GET', url: `/api/conversations/${done.message.conversationId}` })
    ).json();
    expect(saved.messages.at(-1).parts).toEqual(done.message.parts);
  });

  it('gives a reconnecting client the parts written so far, then the rest', async () => {
    const cookie = client.cookieHeader();
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { cookie, origin: PAGE_ORIGIN, 'content-type': 'application/json' },
      });
    const response = await call('/api/chat', {
      method: 'POST',
      body: JSON.stringify({
        action: 'send',
        parentId: null,
        content: `Slowly [[fake thinkingText="${THINKING}" tokens=30 delayMs=20]]`,
        endpoint: 'fake',
        model: 'deepseek-reasoner',
      }),
    });
    const events = readEvents(response);
    const start = (await events.next()).value as Extract<ChatEvent, { type: 'start' }>;
    for await (const event of events) if (event.type === 'delta' && event.part === 'text') break;

    let snapshot: MessagePart[] = [];
    const after: ChatEvent[] = [];
    for await (const event of readEvents(await call(`/api/chat/${start.assistantMessage.id}/stream`))) {
      if (event.type === 'snapshot') snapshot = event.message.parts;
      else after.push(event);
    }
    expect(snapshot[0]).toEqual({ type: 'reasoning', text: THINKING });
    expect(snapshot[1]).toMatchObject({ type: 'text' });
    const done = after.at(-1) as Extract<ChatEvent, { type: 'done' }>;
    const rest = after
      .filter((e) => e.type === 'delta')
      .map((e) => (e as { text: string }).text)
      .join('');
    expect((snapshot[1] as { text: string }).text + rest).toBe(done.message.content);
  });

  it('maps reasoning to reasoning_content on /v1, streaming or not', async () => {
    const { key } = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'sdk' } })).json();
    const openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: `Think [[fake thinkingText="${THINKING}"]]` }];

    const completion = await openai.chat.completions.create({ model: 'fake/deepseek-reasoner', messages });
    const message = completion.choices[0]!.message as (typeof completion.choices)[0]['message'] & {
      reasoning_content?: string;
    };
    expect(message.reasoning_content).toBe(THINKING);
    expect(message.content).toMatch(/^Fake reply/);

    const stream = await openai.chat.completions.create({ model: 'fake/deepseek-reasoner', messages, stream: true });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning).toBe(THINKING);
    expect(content).toMatch(/^Fake reply/);
  });
});
