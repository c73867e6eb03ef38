import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '@tessera/shared';
import { parseEvents } from '../test/sse.ts';
import { openSse } from './sse.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const message = { id: 'm' } as Extract<ChatEvent, { type: 'done' }>['message'];

describe('server-sent events', () => {
  const app = Fastify();
  beforeAll(async () => {
    app.get('/events', async (request, reply) => {
      const sse = openSse(request, reply);
      // Three tokens in one tick, then one alone, then two more right before the final event.
      for (const text of ['Hel', 'lo', ',']) sse.send({ type: 'delta', text });
      await tick();
      sse.send({ type: 'delta', text: ' wor' });
      await tick();
      sse.send({ type: 'delta', text: 'ld' });
      sse.send({ type: 'delta', text: '!' });
      sse.send({ type: 'done', message, balance: null });
      sse.send({ type: 'delta', text: ' (late)' });
      sse.end();
      sse.send({ type: 'delta', text: ' (after the end)' });
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('sends the deltas of one tick as one event, in order with the others, and nothing after end', async () => {
    const response = await app.inject({ url: '/events' });
    expect(parseEvents(response.body)).toEqual([
      { type: 'delta', text: 'Hello,' },
      { type: 'delta', text: ' wor' },
      { type: 'delta', text: 'ld!' },
      { type: 'done', message, balance: null },
      { type: 'delta', text: ' (late)' },
    ]);
  });
});
