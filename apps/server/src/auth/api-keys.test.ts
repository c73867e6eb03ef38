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

    const created = await owner.request({ method: 'POST', url: '/api/keys', payload: { name: 'laptop' } });
    expect(created.statusCode).toBe(201);
    const { id, key, name } = created.json();
    expect(name).toBe('laptop');
    expect(key).toMatch(/^tsk_[A-Za-z0-9_-]{43}$/);

    const listed = (await owner.request({ method: 'GET', url: '/api/keys' })).json().keys;
    expect(listed).toEqual([
      { id, name: 'laptop', prefix: key.slice(0, 12), createdAt: expect.any(String), lastUsedAt: null },
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
    expect(invalid.json().error.fields).toEqual([{ field: 'name', message: expect.any(String) }]);
  });
});
