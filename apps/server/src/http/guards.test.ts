import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PAGE_ORIGIN, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

function errorOf(response: { statusCode: number; json(): unknown }) {
  return { status: response.statusCode, body: response.json() as { error: { code: string; fields?: unknown } } };
}

/** Sends bytes as they are, for requests no HTTP client would form. */
function sendRaw(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe.each(testDatabases)('request guards on $name', (db) => {
  let t: TestApp;
  let client: Client;
  beforeAll(async () => {
    t = await startTestApp(db, { chat: { demoTokenDelayMs: 0 } }, { env: {} });
    client = new Client(t.app);
    expect((await client.signUp(uniqueEmail())).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  const keyCount = async () => (await client.request({ method: 'GET', url: '/api/keys' })).json().keys.length as number;

  // Any state-changing route will do (the guard is global): creating an API key, since it is always there.
  it('refuses state changes riding on the session cookie from another origin, and changes nothing', async () => {
    const before = await keyCount();
    const cookie = client.cookieHeader();
    for (const headers of [
      { cookie, origin: 'http://localhost:4000' },
      { cookie, origin: 'null' },
      { cookie },
      { cookie, 'sec-fetch-site': 'same-site' },
    ]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/keys', headers, payload: { name: 'csrf' } });
      expect(errorOf(response), JSON.stringify(headers)).toMatchObject({
        status: 403,
        body: { error: { code: 'INVALID_ORIGIN' } },
      });
    }
    expect(await keyCount()).toBe(before);

    const sameOrigin = await t.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: { name: 'same origin' },
    });
    expect(sameOrigin.statusCode).toBe(201);
    expect(await keyCount()).toBe(before + 1);
    const reads = await t.app.inject({
      method: 'GET',
      url: '/api/keys',
      headers: { cookie, origin: 'http://evil' },
    });
    expect(reads.statusCode).toBe(200);
  });

  it('lets API-key requests through whatever their origin, since they carry no ambient credential', async () => {
    const created = await client.request({
      method: 'POST',
      url: '/api/keys',
      payload: { name: 'origin test', scope: 'full' },
    });
    const key = created.json().key as string;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/conversations/00000000-0000-4000-8000-000000000000/duplicate',
      headers: { authorization: `Bearer ${key}`, origin: 'http://localhost:4000' },
      payload: {},
    });
    expect(errorOf(response)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
  });

  it('answers 401 to a signed-out request before looking at its body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { origin: PAGE_ORIGIN },
      payload: { nonsense: true },
    });
    expect(errorOf(response)).toEqual({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: expect.any(String) } },
    });
  });

  it('refuses the NUL character in bodies, queries and path ids with a 400 naming the field', async () => {
    const cases = [
      { method: 'POST', url: '/api/keys', payload: { name: 'a\u0000b' }, field: 'name' },
      { method: 'POST', url: '/api/presets', payload: { name: 'p', systemPrompt: '\u0000' }, field: 'systemPrompt' },
      {
        method: 'POST',
        url: '/api/chat',
        payload: { action: 'send', content: 'hi\u0000', endpoint: 'tessera-demo', model: 'tessera-demo' },
        field: 'content',
      },
      { method: 'PATCH', url: '/api/conversations/x', payload: { title: 'a\u0000' }, field: 'title' },
      { method: 'GET', url: '/api/conversations/%00', field: 'params.id' },
      { method: 'GET', url: '/api/conversations?cursor=%00', field: 'query.cursor' },
      { method: 'POST', url: '/api/chat', payload: { ['a\u0000']: 1 }, field: '(body)' },
    ] as const;
    for (const { field, ...request } of cases) {
      const response = await client.request(request);
      expect(errorOf(response), `${request.method} ${request.url}`).toMatchObject({
        status: 400,
        body: { error: { code: 'VALIDATION_ERROR', fields: [{ field, code: 'forbidden_character' }] } },
      });
    }
  });

  it('refuses deeply nested JSON on every route, signed in or not', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    for (const url of ['/api/auth/sign-out', '/api/auth/sign-in/email', '/api/presets']) {
      const response = await client.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: deep,
      });
      expect(errorOf(response), url).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_ERROR' } } });
    }
  });

  it("answers Fastify's and Node's own refusals in the error shape", async () => {
    const long = await client.request({ method: 'GET', url: `/api/conversations/${'a'.repeat(300)}` });
    expect(errorOf(long)).toEqual({
      status: 414,
      body: { error: { code: 'URI_TOO_LONG', message: expect.any(String) } },
    });
    const badEscape = await client.request({ method: 'GET', url: '/api/conversations/%E0%A4%A' });
    expect(errorOf(badEscape)).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_ERROR', message: expect.any(String) } },
    });

    const address = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    const lying = await sendRaw(
      Number(address.port),
      'POST /api/auth/sign-in/email HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n' +
        '{"email":"a@b.co","password":"x"}',
    );
    const badHeader = await sendRaw(
      Number(address.port),
      'GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    );
    for (const answer of [lying, badHeader]) {
      const last = answer.slice(answer.lastIndexOf('HTTP/1.1'));
      expect(last).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(last.slice(last.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { code: 'VALIDATION_ERROR', message: expect.any(String) },
      });
    }
  });
});
