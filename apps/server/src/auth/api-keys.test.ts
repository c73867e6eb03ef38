import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

describe.each(testDatabases)('API keys on $name', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('shows a new key once, lists it without the secret, authenticates with it, and revokes it', async () => {
    const owner = new Client(t.app);
    const email = uniqueEmail();
    await owner.signUp(email);

    const created = await owner.request({
      method: 'POST',
      url: '/api/keys',
      payload: { name: 'laptop', scope: 'full' },
    });
    expect(created.statusCode).toBe(201);
    const { id, key, name, scope } = created.json();
    expect({ name, scope }).toEqual({ name: 'laptop', scope: 'full' });
    expect(key).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);

    const listed = (await owner.request({ method: 'GET', url: '/api/keys' })).json().keys;
    expect(listed).toEqual([
      { id, name: 'laptop', prefix: key.slice(0, 12), scope: 'full', createdAt: expect.any(String), lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(key);

    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(key) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ email });
    const afterUse = (await owner.request({ method: 'GET', url: '/api/keys' })).json().keys[0];
    expect(afterUse.lastUsedAt).not.toBeNull();

    expect((await owner.request({ method: 'DELETE', url: `/api/keys/${id}` })).statusCode).toBe(204);
    const revoked = await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(key) });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.code).toBe('UNAUTHORIZED');
  });

  it("cannot see or delete another user's keys", async () => {
    const alice = new Client(t.app, '10.2.0.1');
    await alice.signUp(uniqueEmail('alice'));
    const { id } = (await alice.request({ method: 'POST', url: '/api/keys', payload: { name: 'a' } })).json();

    const bob = new Client(t.app, '10.2.0.2');
    await bob.signUp(uniqueEmail('bob'));
    expect((await bob.request({ method: 'GET', url: '/api/keys' })).json().keys).toEqual([]);
    const denied = await bob.request({ method: 'DELETE', url: `/api/keys/${id}` });
    expect(denied.statusCode).toBe(404);
    expect((await alice.request({ method: 'GET', url: '/api/keys' })).json().keys).toHaveLength(1);
  });

  it('rejects unknown keys, missing auth and bad input', async () => {
    for (const key of ['tsk_nope', 'sk-something-else', '']) {
      const response = await t.app.inject({ method: 'GET', url: '/api/keys', headers: bearer(key) });
      expect(response.statusCode).toBe(401);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/keys', payload: { name: 'x' } })).statusCode).toBe(401);

    const client = new Client(t.app, '10.2.0.3');
    await client.signUp(uniqueEmail());
    const invalid = await client.request({ method: 'POST', url: '/api/keys', payload: { name: '   ' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.fields).toEqual([
      { field: 'name', message: expect.any(String), code: 'too_small', minimum: 1, origin: 'string' },
    ]);
    const badScope = await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'x', scope: 'admin' } });
    expect(badScope.statusCode).toBe(400);
    expect(badScope.json().error.fields).toEqual([
      { field: 'scope', message: expect.any(String), code: 'invalid_value' },
    ]);
  });

  // Features' routes (the claim, checkouts) check the same in their own tests: they can be removed.
  it('gives a key the chat scope by default: /v1 and the model list, nothing else under /api', async () => {
    const owner = new Client(t.app, '10.2.1.1');
    await owner.signUp(uniqueEmail());
    const created = (await owner.request({ method: 'POST', url: '/api/keys', payload: { name: 'sdk' } })).json();
    expect(created.scope).toBe('chat');
    expect((await owner.request({ method: 'GET', url: '/api/keys' })).json().keys[0].scope).toBe('chat');

    const as = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: bearer(created.key), ...(payload ? { payload } : {}) });
    expect((await as('GET', '/v1/models')).statusCode).toBe(200);
    expect((await as('GET', '/api/models')).statusCode).toBe(200);

    for (const [method, url, payload] of [
      ['GET', '/api/me'],
      ['POST', '/api/keys', { name: 'another', scope: 'full' }],
      ['GET', '/api/keys'],
      ['DELETE', `/api/keys/${created.id}`],
      ['GET', '/api/conversations'],
      ['DELETE', '/api/conversations/00000000-0000-0000-0000-000000000000'],
      ['POST', '/api/auth/update-user', { name: 'Mallory' }],
    ] as const) {
      const response = await as(method, url, payload);
      expect({ url, status: response.statusCode, body: response.json() }).toEqual({
        url,
        status: 403,
        body: { error: { code: 'API_KEY_SCOPE', message: expect.any(String), scope: 'chat' } },
      });
    }
    expect((await owner.request({ method: 'GET', url: '/api/keys' })).json().keys).toHaveLength(1);
  });

  it('treats keys made before scopes as full keys', async () => {
    const owner = new Client(t.app, '10.2.2.1');
    await owner.signUp(uniqueEmail());
    const { id: userId } = (await owner.me()).json();
    const key = 'tsk_' + 'o'.repeat(43);
    await t.database.db.execute(
      sql`INSERT INTO api_keys (id, user_id, name, prefix, key_hash)
          VALUES (${randomUUID()}, ${userId}, 'old', ${key.slice(0, 12)}, ${createHash('sha256').update(key).digest('hex')})`,
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer(key) })).statusCode).toBe(200);
    expect((await owner.request({ method: 'GET', url: '/api/keys' })).json().keys[0].scope).toBe('full');
  });
});

describe.each(testDatabases)('API key limits on $name', (db) => {
  const create = (client: Client, name: string) =>
    client.request({ method: 'POST', url: '/api/keys', payload: { name } });

  it('caps the keys one user holds, also against simultaneous creates', async () => {
    const t = await startTestApp(db, { auth: { apiKeysPerUser: 3 } });
    try {
      const owner = new Client(t.app, '10.2.3.1');
      await owner.signUp(uniqueEmail());
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => create(owner, `k${i}`)));
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409, 409, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json().error).toMatchObject({
        code: 'API_KEY_LIMIT',
        limit: 3,
      });
      const keys = (await owner.request({ method: 'GET', url: '/api/keys' })).json().keys;
      expect(keys).toHaveLength(3);

      expect((await owner.request({ method: 'DELETE', url: `/api/keys/${keys[0].id}` })).statusCode).toBe(204);
      expect((await create(owner, 'again')).statusCode).toBe(201);

      const other = new Client(t.app, '10.2.3.2');
      await other.signUp(uniqueEmail());
      expect((await create(other, 'mine')).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });

  it('limits how many keys one user creates per window, deleted or not', async () => {
    const t = await startTestApp(db, { auth: { apiKeyCreateLimitPerUser: { max: 3, windowSeconds: 3600 } } });
    try {
      const owner = new Client(t.app, '10.2.4.1');
      await owner.signUp(uniqueEmail());
      for (let i = 0; i < 3; i += 1) {
        const { id } = (await create(owner, `k${i}`)).json();
        await owner.request({ method: 'DELETE', url: `/api/keys/${id}` });
      }
      const limited = await create(owner, 'one too many');
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });

      const other = new Client(t.app, '10.2.4.1');
      await other.signUp(uniqueEmail());
      expect((await create(other, 'mine')).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});
