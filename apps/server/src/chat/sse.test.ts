import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '@tessera/shared';
import { parseEvents } from '../test/sse.ts';
import { openSse } from './sse.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const message: Extract<ChatEvent, { type: 'done' }>['message'] = {
  id: 'm',
  conversationId: 'c',
  parentId: null,
  role: 'assistant',
  content: 'Hello, world!',
  parts: [{ type: 'text', text: 'Hello, world!' }],
  status: 'complete',
  error: null,
  endpoint: 'fake',
  model: 'm',
  usage: null,
  cost: null,
  finishReason: 'stop',
  ttftMs: null,
  durationMs: null,
  createdAt: new Date(0).toISOString(),
};

describe('server-sent events', () => {
  const app = Fastify();
  beforeAll(async () => {
    app.get('/events', async (request, reply) => {
      const sse = openSse(request, reply);
      const text = (t: string): ChatEvent => ({ type: 'delta', index: 1, part: 'text', text: t });
      // Reasoning then text in one tick, then one token alone, then two more right before the final event.
      sse.send({ type: 'delta', index: 0, part: 'reasoning', text: 'Think' });
      sse.send({ type: 'delta', index: 0, part: 'reasoning', text: 'ing' });
      for (const t of ['Hel', 'lo', ',']) sse.send(text(t));
      await tick();
      sse.send(text(' wor'));
      await tick();
      sse.send(text('ld'));
      sse.send(text('!'));
      sse.send({ type: 'done', message, balance: null });
      sse.send(text(' (late)'));
      sse.end();
      sse.send(text(' (after the end)'));
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('sends the deltas of one part in one tick as one event, in order with the others, and nothing after end', async () => {
    const response = await app.inject({ url: '/events' });
    expect(parseEvents(response.body)).toEqual([
      { type: 'delta', index: 0, part: 'reasoning', text: 'Thinking' },
      { type: 'delta', index: 1, part: 'text', text: 'Hello,' },
      { type: 'delta', index: 1, part: 'text', text: ' wor' },
      { type: 'delta', index: 1, part: 'text', text: 'ld!' },
      { type: 'done', message, balance: null },
      { type: 'delta', index: 1, part: 'text', text: ' (late)' },
    ]);
  });
});
