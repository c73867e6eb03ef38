import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { configSchema } from '../config/schema.ts';
import { testDatabases } from '../test/databases.ts';

describe.each(testDatabases)('accounts on $name', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  it('makes the first user admin and later users plain users', async () => {
    const first = new Client(t.app);
    const signUp = await first.signUp(uniqueEmail('first'));
    expect(signUp.statusCode).toBe(200);
    expect(signUp.cookies.find((c) => c.name.endsWith('session_token'))?.httpOnly).toBe(true);
    expect((await first.me()).json()).toMatchObject({ role: 'admin' });

    const second = new Client(t.app, '10.0.0.2');
    expect((await second.signUp(uniqueEmail('second'))).statusCode).toBe(200);
    expect((await second.me()).json()).toMatchObject({ role: 'user' });
  });

  it('signs out, signs back in, and rejects a wrong password in the error shape', async () => {
    const email = uniqueEmail();
    const client = new Client(t.app, '10.0.1.1');
    await client.signUp(email, 'correct horse battery', 'Ada');
    expect((await client.me()).json()).toMatchObject({ email, name: 'Ada' });

    expect((await client.signOut()).statusCode).toBe(200);
    const signedOut = await client.me();
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });

    const wrong = await client.signIn(email, 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');

    expect((await client.signIn(email.toUpperCase())).statusCode).toBe(200);
    expect((await client.me()).json()).toMatchObject({ email });
  });

  it('names the field for invalid sign-up input and refuses a taken email', async () => {
    const client = new Client(t.app, '10.0.2.1');
    const invalid = await client.request({
      method: 'POST',
      url: '/api/auth/sign-up/email',
      payload: { email: 'not-an-email', password: 'short', name: '' },
    });
    expect(invalid.statusCode).toBe(400);
    const fields = invalid
      .json()
      .error.fields.map((f: { field: string }) => f.field)
      .sort();
    expect(fields).toEqual(['email', 'name', 'password']);

    const email = uniqueEmail();
    await client.signUp(email);
    const taken = await new Client(t.app, '10.0.2.2').signUp(email);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'EMAIL_TAKEN', fields: [{ field: 'email' }] });
  });

  it('limits sign-in attempts per account across addresses', async () => {
    const email = uniqueEmail();
    await new Client(t.app, '10.0.3.1').signUp(email);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push((await new Client(t.app, `10.0.4.${i}`).signIn(email, 'wrong password')).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await new Client(t.app, '10.0.5.1').signIn(email);
    expect(limited.json().error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
  });

  it('limits sign-in attempts per address across accounts', async () => {
    const client = new Client(t.app, '10.0.6.1');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await client.signIn(uniqueEmail('nobody'), 'whatever')).statusCode);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe.each(testDatabases)('registration settings on $name', (db) => {
  it('closes sign-up when allowRegistration is false', async () => {
    const t = await startTestApp(db, { auth: { allowRegistration: false } });
    try {
      const response = await new Client(t.app).signUp(uniqueEmail());
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('REGISTRATION_CLOSED');
      expect((await t.app.inject('/api/config')).json()).toMatchObject({ registrationOpen: false });
    } finally {
      await t.close();
    }
  });

  it('enforces a configured minimum password length', async () => {
    const t = await startTestApp(db, { auth: { passwordMinLength: 12 } });
    try {
      const response = await new Client(t.app).signUp(uniqueEmail(), 'elevenchars');
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual([
        { field: 'password', message: expect.any(String), code: 'too_small', minimum: 12, origin: 'string' },
      ]);
    } finally {
      await t.close();
    }
  });

  it('gives admin to exactly one of many simultaneous first sign-ups', async () => {
    const t = await startTestApp(db);
    try {
      const clients = Array.from({ length: 8 }, (_, i) => new Client(t.app, `10.1.0.${i}`));
      const results = await Promise.all(clients.map((c) => c.signUp(uniqueEmail('race'))));
      expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
      const roles = await Promise.all(clients.map(async (c) => (await c.me()).json().role));
      expect(roles.filter((r) => r === 'admin')).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe.each(testDatabases)('the better-auth surface on $name', (db) => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp(db);
    admin = new Client(t.app, '10.3.0.1');
    await admin.signUp(uniqueEmail('admin'));
  });
  afterAll(() => t.close());

  it('answers 404 for every better-auth route Tessera does not expose, even to an admin', async () => {
    expect((await admin.me()).json()).toMatchObject({ role: 'admin' });
    for (const [method, url] of [
      ['GET', '/api/auth/get-session'],
      ['GET', '/api/auth/list-sessions'],
      ['POST', '/api/auth/change-password'],
      ['POST', '/api/auth/change-email'],
      ['POST', '/api/auth/delete-user'],
      ['GET', '/api/auth/admin/list-users'],
      ['POST', '/api/auth/admin/set-role'],
      ['POST', '/api/auth/admin/impersonate-user'],
      ['GET', '/api/auth/ok'],
      ['GET', '/api/auth/sign-out'],
    ] as const) {
      const response = await admin.request({ method, url, ...(method === 'POST' ? { payload: {} } : {}) });
      expect({ url, status: response.statusCode, body: response.json() }).toEqual({
        url,
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: expect.any(String) } },
      });
    }
    const paths = Object.keys((await t.app.inject('/api/docs/json')).json().paths).filter((p) =>
      p.startsWith('/api/auth/'),
    );
    expect(paths.sort()).toEqual([
      '/api/auth/sign-in/email',
      '/api/auth/sign-out',
      '/api/auth/sign-up/email',
      '/api/auth/update-user',
    ]);
  });

  it('refuses names with control characters, too long or empty, at sign-up', async () => {
    const client = new Client(t.app, '10.3.1.1');
    for (const name of ['Ada\u0000', 'A\u0007da', '<b>x</b>'.repeat(700), '   ']) {
      const response = await client.signUp(uniqueEmail(), 'correct horse battery', name);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'VALIDATION_ERROR', fields: [{ field: 'name' }] });
    }
  });

  it('lets a signed-in user change their name, validated like sign-up, and nothing else', async () => {
    const client = new Client(t.app, '10.3.2.1');
    await client.signUp(uniqueEmail(), 'correct horse battery', 'Ada');
    const update = (payload: Record<string, unknown>) =>
      client.request({ method: 'POST', url: '/api/auth/update-user', payload });

    for (const payload of [
      { name: '' },
      { name: '  ' },
      { name: 'x'.repeat(101) },
      { name: 'Ada\u0000Lovelace' },
      { name: 'Ada', image: 'javascript:alert(1)' },
      { image: 'https://example.com/a.png' },
      { name: 'Ada', role: 'admin' },
      { name: 'Ada', email: 'other@example.com' },
      {},
    ]) {
      const response = await update(payload);
      expect({ payload, status: response.statusCode, code: response.json().error?.code }).toEqual({
        payload,
        status: 400,
        code: 'VALIDATION_ERROR',
      });
    }
    expect((await client.me()).json()).toMatchObject({ name: 'Ada', role: 'user' });

    const renamed = await update({ name: '  Ada Lovelace  ' });
    expect(renamed.statusCode).toBe(200);
    expect((await client.me()).json()).toMatchObject({ name: 'Ada Lovelace' });

    const anonymous = await new Client(t.app, '10.3.2.2').request({
      method: 'POST',
      url: '/api/auth/update-user',
      payload: { name: 'x\u0000' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
  });

  it('answers deeply nested JSON on every auth route with a 4xx in the error shape', async () => {
    const client = new Client(t.app, '10.3.3.1');
    await client.signUp(uniqueEmail());
    const depth = 100_000;
    const bodies = ['['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)];
    for (const url of [
      '/api/auth/sign-up/email',
      '/api/auth/sign-in/email',
      '/api/auth/sign-out',
      '/api/auth/update-user',
      '/api/auth/change-password',
    ]) {
      for (const payload of bodies) {
        const response = await client.request({
          method: 'POST',
          url,
          payload,
          headers: { 'content-type': 'application/json' },
        });
        expect({ url, status: response.statusCode }).toEqual({ url, status: expect.toSatisfy((s) => s < 500) });
        expect(response.json()).toEqual({ error: expect.objectContaining({ code: expect.any(String) }) });
      }
    }
    expect((await client.me()).statusCode).toBe(200);
  });

  it('signs out with or without an empty body, and refuses any other body', async () => {
    const client = new Client(t.app, '10.3.4.1');
    await client.signUp(uniqueEmail());
    const refused = await client.request({ method: 'POST', url: '/api/auth/sign-out', payload: { all: true } });
    expect(refused.statusCode).toBe(400);
    expect((await client.me()).statusCode).toBe(200);
    expect((await client.request({ method: 'POST', url: '/api/auth/sign-out' })).statusCode).toBe(200);
    expect((await client.me()).statusCode).toBe(401);
  });
});

describe.each(testDatabases)('sign-up limit on $name', (db) => {
  it('lets one address create 5 accounts an hour by default; other addresses are not affected', async () => {
    const t = await startTestApp(db, { auth: { signUpLimitPerIp: configSchema.parse({}).auth.signUpLimitPerIp } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1)
        statuses.push((await new Client(t.app, '10.4.0.1').signUp(uniqueEmail())).statusCode);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await new Client(t.app, '10.4.0.1').signUp(uniqueEmail());
      expect(limited.json().error).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterSeconds: expect.toSatisfy((s) => s > 3000 && s <= 3600),
      });
      expect((await new Client(t.app, '10.4.0.2').signUp(uniqueEmail())).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
