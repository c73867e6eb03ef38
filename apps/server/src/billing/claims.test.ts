import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { configSchema } from '../config/schema.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { manualClock } from '../test/clock.ts';
import { Client, openTestDatabase, startTestApp, TEST_SECRET, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { ClaimCooldownError, createClaims } from './claims.ts';
import { createLedger, InsufficientCreditsError } from './ledger.ts';

const HOUR = 3_600_000;

describe.each(testDatabases)('the claim on $name', (db) => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openTestDatabase(db));
  });
  afterAll(() => close());

  it('rejects an early claim with the time left, and opens a missing account before claiming', async () => {
    const clock = manualClock();
    const billing = configSchema.parse({}).billing;
    const claims = createClaims(database.db, billing, createLedger(database.db, billing, clock), clock);
    const user = randomUUID();
    await database.db.insert(users).values({ id: user, name: 'U', email: `${user}@example.com` });
    expect(await claims.claim(user)).toMatchObject({ credited: 20_000, balance: 40_000 });
    clock.advance(60_000);
    const error = await claims.claim(user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClaimCooldownError);
    expect((error as ClaimCooldownError).details).toMatchObject({ remainingMs: 24 * 3_600_000 - 60_000 });
  });

  it('credits exactly when the cooldown allows, among random waits, grants and holds, keeping the ledger', async () => {
    const billing = configSchema.parse({ billing: { startBalance: 5_000 } }).billing;
    const op = fc.oneof(
      fc.record({ type: fc.constant('claim' as const), user: fc.nat(1) }),
      fc.record({ type: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ type: fc.constant('grant' as const), user: fc.nat(1), amount: fc.integer({ min: 1, max: 50_000 }) }),
      fc.record({ type: fc.constant('hold' as const), user: fc.nat(1), amount: fc.integer({ min: 1, max: 60_000 }) }),
    );
    // The clock starts anywhere in ~11 days, so the claim windows (the ledger keys) fall differently.
    const start = fc.date({
      min: new Date(Date.UTC(2026, 0, 1)),
      max: new Date(Date.UTC(2026, 0, 12)),
      noInvalidDate: true,
    });
    await fc.assert(
      fc.asyncProperty(start, fc.array(op, { minLength: 5, maxLength: 40 }), async (startAt, ops) => {
        const clock = manualClock(startAt);
        const ledger = createLedger(database.db, billing, clock);
        const claims = createClaims(database.db, billing, ledger, clock);
        // Identities, not inputs: fresh users every run (a shrunk run replays on the same database).
        const ids: string[] = [randomUUID(), randomUUID()];
        await database.db.insert(users).values(ids.map((id) => ({ id, name: 'P', email: `${id}@example.com` })));
        await Promise.all(ids.map((id) => ledger.openAccount(id)));
        const model = ids.map(() => ({ balance: 5_000, lastClaim: null as number | null }));
        for (const o of ops) {
          if (o.type === 'wait') {
            clock.advance(o.hours * HOUR);
            continue;
          }
          const m = model[o.user]!;
          const userId = ids[o.user]!;
          if (o.type === 'claim') {
            const allowed = m.lastClaim === null || clock().getTime() - m.lastClaim >= 24 * HOUR;
            const result = await claims.claim(userId).catch((e: unknown) => e);
            if (allowed) {
              m.balance += 20_000;
              m.lastClaim = clock().getTime();
              expect(result).toMatchObject({ credited: 20_000, balance: m.balance });
            } else {
              expect(result).toBeInstanceOf(ClaimCooldownError);
              expect((result as ClaimCooldownError).details).toMatchObject({
                remainingMs: m.lastClaim! + 24 * HOUR - clock().getTime(),
              });
            }
            expect((await claims.status(userId)).canClaim).toBe(false);
          } else if (o.type === 'grant') {
            await ledger.adjust({ userId, amount: o.amount, kind: 'grant', key: randomUUID() });
            m.balance += o.amount;
          } else {
            const result = await ledger
              .reserve({ userId, reservationId: randomUUID(), amount: o.amount })
              .catch((e: unknown) => e);
            if (m.balance >= o.amount) m.balance -= o.amount;
            else expect(result).toBeInstanceOf(InsufficientCreditsError);
          }
        }
        for (const [i, id] of ids.entries()) expect(await ledger.balance(id)).toBe(model[i]!.balance);
        expect((await ledger.verify()).filter((m) => ids.includes(m.userId))).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });
});

describe.each(testDatabases)('claim tokens on $name', (db) => {
  const clock = manualClock();
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, {}, { clock });
  });
  afterAll(() => t.close());

  it('credits 20,000 once, then refuses with the countdown until 24 hours have passed', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const balance = async () => (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
    expect(await balance()).toBe(20_000);

    const status = (await client.request({ method: 'GET', url: '/api/tokens/claim' })).json();
    expect(status).toEqual({ canClaim: true, amount: 20_000, nextClaimAt: null, remainingMs: 0 });

    const claimedAt = clock();
    const claim = await client.request({ method: 'POST', url: '/api/tokens/claim' });
    expect(claim.statusCode).toBe(200);
    expect(claim.json()).toEqual({
      credited: 20_000,
      balance: 40_000,
      nextClaimAt: new Date(claimedAt.getTime() + 24 * HOUR).toISOString(),
    });

    clock.advance(24 * HOUR - 1000);
    const early = await client.request({ method: 'POST', url: '/api/tokens/claim' });
    expect(early.statusCode).toBe(429);
    expect(early.json().error).toEqual({
      code: 'CLAIM_COOLDOWN',
      message: expect.any(String),
      nextClaimAt: new Date(claimedAt.getTime() + 24 * HOUR).toISOString(),
      remainingMs: 1000,
    });
    expect((await client.request({ method: 'GET', url: '/api/tokens/claim' })).json()).toMatchObject({
      canClaim: false,
      remainingMs: 1000,
    });
    expect(await balance()).toBe(40_000);

    clock.advance(1000);
    const onTime = await client.request({ method: 'POST', url: '/api/tokens/claim' });
    expect(onTime.statusCode).toBe(200);
    expect(onTime.json().balance).toBe(60_000);
  });

  it('credits exactly once when 1,000 claims arrive at the same time', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const responses = await Promise.all(
      Array.from({ length: 1000 }, () => client.request({ method: 'POST', url: '/api/tokens/claim' })),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(999);
    const history = (await client.request({ method: 'GET', url: '/api/transactions?kind=claim' })).json();
    expect(history.items).toHaveLength(1);
    expect((await client.request({ method: 'GET', url: '/api/balance' })).json().credits).toBe(40_000);
  });

  it('refuses a chat-scoped API key with API_KEY_SCOPE (a full key or a session is needed)', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const { key } = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'sdk' } })).json();
    for (const [method, url, payload] of [
      ['GET', '/api/tokens/claim', undefined],
      ['POST', '/api/tokens/claim', {}],
    ] as const) {
      const response = await t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({
        url,
        status: 403,
        code: 'API_KEY_SCOPE',
      });
    }
  });

  it('requires a signed-in user', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/tokens/claim' });
    expect(response.statusCode).toBe(401);
  });
});

describe.each(testDatabases.filter((d) => d.name === 'postgres'))('claims across two instances on $name', (db) => {
  it('credits exactly once when 1,000 claims are spread over two servers sharing the database', async () => {
    const created = await db.create();
    const databases = await Promise.all([openDatabase(created.target), openDatabase(created.target)]);
    await databases[0]!.migrate();
    const config = configSchema.parse({ log: { level: 'silent' } });
    const apps = await Promise.all(
      databases.map((database) => buildApp({ config, database, secret: TEST_SECRET, web: null })),
    );
    try {
      const email = uniqueEmail();
      await new Client(apps[0]!).signUp(email);
      const sessions = [new Client(apps[0]!), new Client(apps[1]!)];
      await Promise.all(sessions.map((s) => s.signIn(email)));
      const responses = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => sessions[i % 2]!.request({ method: 'POST', url: '/api/tokens/claim' })),
      );
      expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(999);
      expect((await sessions[1]!.request({ method: 'GET', url: '/api/balance' })).json().credits).toBe(40_000);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await Promise.all(databases.map((d) => d.close()));
      await created.drop();
    }
  });
});

describe.each(testDatabases)('billing switched off on $name', (db) => {
  it('refuses claims with BILLING_DISABLED', async () => {
    const t = await startTestApp(db, { billing: { enabled: false } });
    try {
      const client = new Client(t.app);
      await client.signUp(uniqueEmail());
      expect((await client.request({ method: 'GET', url: '/api/tokens/claim' })).json().canClaim).toBe(false);
      const response = await client.request({ method: 'POST', url: '/api/tokens/claim' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('BILLING_DISABLED');
    } finally {
      await t.close();
    }
  });
});
