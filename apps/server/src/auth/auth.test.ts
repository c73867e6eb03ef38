import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
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
      expect(response.json().error.fields).toEqual([{ field: 'password', message: expect.any(String) }]);
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
