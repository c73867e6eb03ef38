import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PAGE_ORIGIN, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { isAmbiguousPath } from './paths.ts';

const [pglite] = testDatabases;

/** Sends the path exactly as given: inject() and fetch() would resolve dot segments first. */
function rawRequest(base: string, method: string, path: string, body?: unknown) {
  const { hostname, port } = new URL(base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = {
    origin: PAGE_ORIGIN,
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
  };
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('ambiguous paths', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await startTestApp(pglite!);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('cannot get around the sign-in limit through dot segments or encoded slashes', async () => {
    const email = uniqueEmail();
    await new Client(t.app, '127.0.0.1').signUp(email);
    const signIn = (path: string, password: string) =>
      rawRequest(base, 'POST', path, { email, password }).then((r) => r.status);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await signIn('/api/auth/sign-in/email', 'wrong password'));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    for (const path of [
      '/api/auth/sign-in/./email',
      '/api/auth/x/../sign-in/email',
      '/api/auth/sign-in/%2e/email',
      '/api/auth/x/%2E%2E/sign-in/email',
      '/api/auth/sign-in%2Femail',
      '/api/auth/sign-in\\email',
      '/api/auth/sign-in/email/.',
    ]) {
      const response = await rawRequest(base, 'POST', path, { email, password: 'correct horse battery' });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(response.body).error).toMatchObject({
        code: 'VALIDATION_ERROR',
        fields: [{ field: 'path', message: expect.any(String), code: 'ambiguous_path' }],
      });
    }
  });

  it('refuses them on every route, before authentication, and leaves the query string alone', async () => {
    for (const [method, path] of [
      ['GET', '/api/./health'],
      ['GET', '/api/me/..'],
      ['GET', '/api/keys/%2e%2e/me'],
      ['POST', '/v1/chat/../models'],
      ['GET', '/assets/..%5C..%5Cpackage.json'],
      ['POST', '/api/auth/sign-up/./email'],
    ] as const) {
      const response = await rawRequest(base, method, path);
      expect({ path, status: response.status, code: JSON.parse(response.body).error?.code }).toEqual({
        path,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    expect((await rawRequest(base, 'GET', '/api/health?next=../a%2Fb')).status).toBe(200);
    expect((await rawRequest(base, 'GET', '/api/health')).status).toBe(200);
  });
});

describe('isAmbiguousPath', () => {
  it('tells dot segments and encoded separators from ordinary dots', () => {
    for (const url of ['/a/./b', '/a/../b', '/a/.', '/a/..', '/..', '/a/%2e%2E/b', '/a%2fb', '/a%5Cb', '/a\\b']) {
      expect({ url, ambiguous: isAmbiguousPath(url) }).toEqual({ url, ambiguous: true });
    }
    for (const url of ['/', '/a.b/c', '/a/...', '/a/.b', '/a/b..', '/v1/models?x=/../%2f', '/assets/index-1.2.js']) {
      expect({ url, ambiguous: isAmbiguousPath(url) }).toEqual({ url, ambiguous: false });
    }
  });
});
