import { textParts } from '@tessera/shared';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../db/schema.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { readWebBuild } from './web.ts';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe.each(testDatabases)('caching, compression and metrics on $name', (db) => {
  let t: TestApp;
  let client: Client;
  let userId: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp(
      db,
      { metrics: { token: METRICS_TOKEN }, chat: { demo: 'on', demoTokenDelayMs: 0 } },
      { env: {} },
    );
    client = new Client(t.app);
    await client.signUp(uniqueEmail('serving'));
    userId = (await client.me()).json().id;
    token = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'k' } })).json().key;
  });
  afterAll(() => t.close());

  it('marks every API answer no-store, the CSV export and errors included', async () => {
    const answers = [
      await client.request({ method: 'GET', url: '/api/me' }),
      await client.request({ method: 'GET', url: '/api/balance' }),
      await client.request({ method: 'GET', url: '/api/transactions/export.csv' }),
      await t.app.inject({ url: '/v1/models', headers: { authorization: `Bearer ${token}` } }),
      await t.app.inject('/api/me'),
      await t.app.inject('/api/nothing-here'),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 401, 404]);
    for (const answer of answers) expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('compresses a large conversation with gzip or brotli, and leaves small answers alone', async () => {
    const id = randomUUID();
    await t.database.db.insert(conversations).values({ id, userId, title: 'long' });
    let parentId: string | null = null;
    const rows = [];
    for (let i = 0; i < 200; i += 1) {
      const mid: string = randomUUID();
      const content = `m${i} lorem`;
      rows.push({
        id: mid,
        conversationId: id,
        parentId,
        role: i % 2 ? ('assistant' as const) : ('user' as const),
        content,
        parts: textParts(content),
      });
      parentId = mid;
    }
    await t.database.db.insert(messages).values(rows);

    const url = `/api/conversations/${id}`;
    const plain = await client.request({ method: 'GET', url, headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.length).toBeGreaterThan(10_000);

    const gzip = await client.request({ method: 'GET', url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.headers.vary).toContain('accept-encoding');
    expect(gzip.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
    expect(JSON.parse(gunzipSync(gzip.rawPayload).toString())).toEqual(plain.json());

    const br = await client.request({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());

    const small = await t.app.inject({ url: '/api/health', headers: { 'accept-encoding': 'br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });

  it('never compresses a stream of server-sent events', async () => {
    const chat = await client.request({
      method: 'POST',
      url: '/api/chat',
      headers: { 'accept-encoding': 'br, gzip' },
      payload: { action: 'send', parentId: null, content: 'Hi', endpoint: 'tessera-demo', model: 'tessera-demo' },
    });
    expect(chat.headers['content-type']).toContain('text/event-stream');
    expect(chat.headers['content-encoding']).toBeUndefined();
    expect(chat.body).toContain('event: done');

    const api = await t.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'br, gzip' },
      payload: { model: 'tessera-demo/tessera-demo', stream: true, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(api.headers['content-type']).toContain('text/event-stream');
    expect(api.headers['content-encoding']).toBeUndefined();
    expect(api.body).toContain('data: [DONE]');
  });

  it('answers /metrics only to the bearer of the metrics token', async () => {
    const missing = await t.app.inject('/metrics');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    expect(missing.body).not.toContain('tessera_');
    const wrong = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
    expect(wrong.statusCode).toBe(401);
    const session = await client.request({ method: 'GET', url: '/metrics' });
    expect(session.statusCode).toBe(401);

    await t.app.inject('/api/health');
    const metrics = await t.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(
      /tessera_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} \d+/,
    );
    expect(metrics.body).toContain('tessera_process_resident_memory_bytes');
  });
});

describe('without a metrics token', () => {
  it('has no /metrics at all', async () => {
    const [pglite] = testDatabases;
    const t = await startTestApp(pglite!);
    try {
      const metrics = await t.app.inject('/metrics');
      expect(metrics.statusCode).toBe(404);
      expect(metrics.json().error.code).toBe('NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});

describe('the web build', () => {
  it('serves the precompressed asset the browser accepts, and keeps its caching', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id=root></div>');
    const code = `export const words = ${JSON.stringify('lorem ipsum dolor '.repeat(2000))};`;
    const asset = path.join(dir, 'assets', 'index-abc.js');
    writeFileSync(asset, code);
    writeFileSync(`${asset}.br`, brotliCompressSync(code));
    writeFileSync(`${asset}.gz`, gzipSync(code));
    const [pglite] = testDatabases;
    const t = await startTestApp(pglite!, {}, { web: readWebBuild(dir) });
    try {
      const br = await t.app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers.vary).toContain('accept-encoding');
      expect(br.headers['content-type']).toContain('javascript');
      expect(br.headers['cache-control']).toContain('immutable');
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(code);

      const gzip = await t.app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.rawPayload).toString()).toBe(code);

      const plain = await t.app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(code);

      const page = await t.app.inject('/c/some-conversation');
      expect(page.headers['cache-control']).toBe('no-cache');
    } finally {
      await t.close();
    }
  });
});
