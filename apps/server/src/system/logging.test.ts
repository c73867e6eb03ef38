import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { buildApp } from '../app.ts';
import { configSchema } from '../config/schema.ts';
import { openDatabase } from '../db/client.ts';
import { Client, startTestApp, TEST_SECRET, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { parseEvents } from '../test/sse.ts';
import type { LogStream } from './logger.ts';

// Distinctive texts that must never reach the log, whatever fails.
const SYSTEM_PROMPT = 'You are the keeper of lighthouse Quillfeather';
const FIRST_PROMPT = 'my neighbour Brannigan owes me forty ducats';
const FAILING_PROMPT = 'the vault code is marmalade-seventeen';
const USER_PROVIDER_KEY = 'sk-proj-Lq7WzR2nXc9VbT4mHs1KdPe6GyJu3AoF';

class Capture implements LogStream {
  lines: string[] = [];
  write(line: string) {
    this.lines.push(line);
  }
  get text() {
    return this.lines.join('');
  }
  entries() {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

/** A provider that echoes the rejected key in full, as some OpenAI-compatible servers do. */
async function startEchoingProvider(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

function expectNothingPrivate(log: string, more: string[] = []) {
  for (const secret of [SYSTEM_PROMPT, FIRST_PROMPT, FAILING_PROMPT, USER_PROVIDER_KEY, ...more]) {
    expect(log).not.toContain(secret);
  }
}

describe.each(testDatabases)('the log of failing requests on $name', (db) => {
  let fake: FakeLlm;
  let echo: { url: string; server: Server };
  let t: TestApp;
  const capture = new Capture();

  beforeAll(async () => {
    fake = await startFakeLlm({ defaults: { tokens: 5 }, models: ['gpt-4o-mini'] });
    echo = await startEchoingProvider();
    t = await startTestApp(
      db,
      {
        log: { level: 'info' },
        chat: { titles: false },
        endpoints: [
          { id: 'house', kind: 'openai-compatible', baseURL: `${fake.url}/v1`, apiKey: 'house-key', models: ['m'] },
          { id: 'byok', kind: 'openai-compatible', baseURL: echo.url, apiKey: 'user_provided', models: ['m'] },
        ],
      },
      { env: {}, logStream: capture },
    );
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    echo?.server.close();
  });

  it('holds no prompt, system prompt or provider key, and says what failed', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail('logs'));
    const { key: token } = (
      await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'api' } })
    ).json();

    // A reply that works, then one in the same conversation that the provider fails with a 503:
    // the failing call carries the system prompt and the whole history.
    const send = (payload: object) => client.request({ method: 'POST', url: '/api/chat', payload });
    const first = parseEvents(
      (
        await send({
          action: 'send',
          parentId: null,
          content: FIRST_PROMPT,
          systemPrompt: SYSTEM_PROMPT,
          endpoint: 'house',
          model: 'm',
        })
      ).body,
    );
    const start = first.find((e) => e.type === 'start')!;
    const failed = parseEvents(
      (
        await send({
          action: 'send',
          conversationId: start.conversation.id,
          parentId: start.assistantMessage.id,
          content: `${FAILING_PROMPT} [[fake fail=503 retryAfter=60]]`,
          endpoint: 'house',
          model: 'm',
        })
      ).body,
    );
    expect(failed.at(-1)).toMatchObject({ type: 'error', error: { code: 'PROVIDER_ERROR' } });

    // The user's own key, which the provider echoes back in its 401.
    const put = await client.request({
      method: 'PUT',
      url: '/api/provider-keys/byok',
      payload: { apiKey: USER_PROVIDER_KEY },
    });
    expect(put.statusCode).toBe(200);
    const rejected = parseEvents(
      (await send({ action: 'send', parentId: null, content: FAILING_PROMPT, endpoint: 'byok', model: 'm' })).body,
    );
    expect(rejected.at(-1)).toMatchObject({ type: 'error', error: { code: 'PROVIDER_AUTH' } });

    // The same through the OpenAI-compatible API.
    const api = await t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        model: 'house/m',
        max_tokens: 100,
        messages: [
          { role: 'system', content: SYSTEM_PROMPT },
          { role: 'user', content: `${FAILING_PROMPT} [[fake fail=500]]` },
        ],
      },
    });
    expect(api.statusCode).toBe(502);

    expectNothingPrivate(capture.text, [token]);
    const failures = capture.entries().filter((e) => e.msg === 'provider call failed');
    expect(failures).toEqual([
      expect.objectContaining({
        endpoint: 'house',
        err: expect.objectContaining({ type: 'AI_APICallError', status: 503, url: `${fake.url}/v1/chat/completions` }),
      }),
      expect.objectContaining({
        endpoint: 'byok',
        err: expect.objectContaining({
          status: 401,
          url: `${echo.url}/chat/completions`,
          message: 'Incorrect API key provided: sk-proj-[redacted].',
        }),
      }),
    ]);
    // Requests are still traceable: method, route and status.
    expect(capture.entries()).toContainEqual(
      expect.objectContaining({ req: expect.objectContaining({ method: 'POST', url: '/v1/chat/completions' }) }),
    );
    expect(capture.entries()).toContainEqual(expect.objectContaining({ res: { statusCode: 502 } }));
  });
});

describe.each(testDatabases)('the log of a database failure on $name', (db) => {
  it('holds the failed SQL, never the query parameters (a key hash here)', async () => {
    const capture = new Capture();
    const created = await db.create();
    const database = await openDatabase(created.target);
    await database.migrate();
    const app = await buildApp({
      config: configSchema.parse({ log: { level: 'info' } }),
      database,
      secret: TEST_SECRET,
      web: null,
      env: {},
      logStream: capture,
    });
    try {
      const client = new Client(app);
      await client.signUp(uniqueEmail('db'));
      const { key: token } = (
        await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'k' } })
      ).json();
      const keyHash = createHash('sha256').update(token).digest('hex');

      await database.close();
      const response = await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBeGreaterThanOrEqual(500);

      const email = uniqueEmail('private-address');
      const signIn = await client.signIn(email);
      expect(signIn.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(capture.entries()).toContainEqual(
        expect.objectContaining({ reqId: signIn.headers['x-request-id'], err: expect.any(Object) }),
      );

      expectNothingPrivate(capture.text, [token, keyHash, email]);
      const failure = capture.entries().find((e) => e.level === 50);
      expect(failure).toMatchObject({
        reqId: response.headers['x-request-id'],
        err: { message: expect.stringMatching(/^Failed query: select .*"api_keys"/) },
      });
    } finally {
      await app.close();
      await created.drop();
    }
  });
});
