import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { readWebBuild } from './web.ts';

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe.each(testDatabases)('HTTP basics on $name', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, { server: { bodyLimit: 10_000 } });
  });
  afterAll(() => t.close());

  it('reports health and readiness', async () => {
    expect((await t.app.inject('/api/health')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/api/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: 'up', redis: 'disabled' });
  });

  it('answers malformed, mistyped, oversized and unrouted requests with a 4xx in the error shape', async () => {
    const cases = [
      {
        name: 'malformed JSON',
        status: 400,
        code: 'INVALID_JSON',
        req: {
          method: 'POST',
          url: '/api/auth/sign-in/email',
          headers: { 'content-type': 'application/json' },
          payload: '{"email":',
        },
      },
      {
        name: 'wrong types',
        status: 400,
        code: 'VALIDATION_ERROR',
        req: { method: 'POST', url: '/api/auth/sign-in/email', payload: { email: 42, password: ['x'] } },
      },
      {
        name: 'array body',
        status: 400,
        code: 'VALIDATION_ERROR',
        req: { method: 'POST', url: '/api/auth/sign-up/email', payload: [1, 2] },
      },
      {
        name: 'oversized',
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        req: {
          method: 'POST',
          url: '/api/auth/sign-in/email',
          payload: { email: 'a@b.co', password: 'x'.repeat(20_000) },
        },
      },
      {
        name: 'unknown media type',
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        req: {
          method: 'POST',
          url: '/api/auth/sign-in/email',
          headers: { 'content-type': 'text/xml' },
          payload: '<a/>',
        },
      },
      { name: 'unknown route', status: 404, code: 'NOT_FOUND', req: { method: 'GET', url: '/api/nothing-here' } },
      { name: 'unknown method', status: 404, code: 'NOT_FOUND', req: { method: 'PATCH', url: '/api/health' } },
      { name: 'unauthenticated', status: 401, code: 'UNAUTHORIZED', req: { method: 'GET', url: '/api/me' } },
    ] as const;
    for (const c of cases) {
      const response = await t.app.inject(c.req as never);
      expect({ name: c.name, status: response.statusCode, code: response.json().error?.code }).toEqual({
        name: c.name,
        status: c.status,
        code: c.code,
      });
      expect(response.json()).toMatchObject(errorShape);
      expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('tells how large a body may be', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'a@b.co', password: 'x'.repeat(20_000) },
    });
    expect(response.statusCode).toBe(413);
    const { limit } = response.json().error as { limit: number };
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThan(20_000);
  });

  it('names the offending field for wrong types', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'a@b.co', password: 5 },
    });
    expect(response.json().error.fields).toEqual([
      { field: 'password', message: expect.any(String), code: 'invalid_type' },
    ]);
  });

  it('sends security headers and a request id, echoing a sane one from the client', async () => {
    const response = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'trace-123' } });
    expect(response.headers['x-request-id']).toBe('trace-123');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const generated = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes an OpenAPI document and its browsable UI', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/health', '/api/keys', '/api/auth/sign-up/email']),
    );
    const ui = await t.app.inject('/api/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toContain('text/html');
  });
});

describe.each(testDatabases)('degraded dependencies on $name', (db) => {
  it('says not ready, and answers 503 instead of 500, when the database is gone', async () => {
    const t = await startTestApp(db);
    await t.database.close();
    const ready = await t.app.inject('/api/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', database: 'down' });
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in/email',
      payload: { email: 'a@b.co', password: 'whatever1' },
    });
    expect(signIn.statusCode).toBe(503);
    expect(signIn.json().error.code).toBe('SERVICE_UNAVAILABLE');
    await t.app.close();
  });
});

describe('the web app', () => {
  it('serves the build, client-side routes fall back to index.html, and the CSP allows its inline script', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><script>document.title="x"</script><div id=root></div>',
    );
    writeFileSync(path.join(dir, 'assets', 'app-abc.js'), 'console.log(1)');
    const [pglite] = testDatabases;
    const t = await startTestApp(pglite!, {}, { web: readWebBuild(dir) });
    try {
      const page = await t.app.inject('/c/some-conversation');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<div id=root>');
      expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      const asset = await t.app.inject('/assets/app-abc.js');
      expect(asset.headers['cache-control']).toContain('immutable');
      expect((await t.app.inject('/api/unknown')).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'POST', url: '/c/x' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
