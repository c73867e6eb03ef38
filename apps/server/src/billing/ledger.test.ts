import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { Client, openTestDatabase, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { manualClock } from '../test/clock.ts';
import { testDatabases } from '../test/databases.ts';
import { createLedger, InsufficientCreditsError } from './ledger.ts';

const billing = (overrides: Record<string, unknown> = {}) => configSchema.parse({ billing: overrides }).billing;

async function newUser(database: Database): Promise<string> {
  const id = randomUUID();
  await database.db.insert(users).values({ id, name: 'U', email: `${id}@example.com` });
  return id;
}

describe.each(testDatabases)('the ledger on $name', (db) => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openTestDatabase(db));
  });
  afterAll(() => close());

  it('opens an account once with the start balance', async () => {
    const ledger = createLedger(database.db, billing());
    const user = await newUser(database);
    await Promise.all([ledger.openAccount(user), ledger.openAccount(user), ledger.openAccount(user)]);
    expect(await ledger.balance(user)).toBe(20_000);
    const { items } = await ledger.history(user, { limit: 10 });
    expect(items).toEqual([expect.objectContaining({ kind: 'grant', amount: 20_000, balanceAfter: 20_000 })]);
  });

  it('holds, settles at the real cost and gives back the rest; settling twice changes nothing', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 10_000 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const reservationId = randomUUID();
    expect(await ledger.reserve({ userId: user, reservationId, amount: 4_000, model: 'gpt-4o' })).toEqual({
      balance: 6_000,
    });
    const settled = await ledger.settle({
      reservationId,
      cost: 1_234,
      model: 'gpt-4o',
      usage: { inputTokens: 100, outputTokens: 98 },
      rates: { input: 2.5, output: 10 },
    });
    expect(settled).toEqual({ charged: 1_234, shortfall: 0, alsoCharged: 0, balance: 8_766 });
    expect(await ledger.settle({ reservationId, cost: 9_999 })).toBeNull();
    expect(await ledger.release(reservationId)).toBeNull();
    expect(await ledger.balance(user)).toBe(8_766);
    const kinds = (await ledger.history(user, { limit: 10 })).items.map((t) => [t.kind, t.amount, t.balanceAfter]);
    expect(kinds).toEqual([
      ['spend', -1_234, 8_766],
      ['release', 4_000, 10_000],
      ['hold', -4_000, 6_000],
      ['grant', 10_000, 10_000],
    ]);
    const spend = (await ledger.history(user, { limit: 1, kind: ['spend'] })).items[0]!;
    expect(spend).toMatchObject({ model: 'gpt-4o', inputTokens: 100, outputTokens: 98 });
  });

  it('never charges past zero: a cost above the hold takes what is left and records the shortfall', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 1_000 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const reservationId = randomUUID();
    await ledger.reserve({ userId: user, reservationId, amount: 800 });
    expect(await ledger.settle({ reservationId, cost: 1_500, description: 'Reply' })).toEqual({
      charged: 1_000,
      shortfall: 500,
      alsoCharged: 0,
      balance: 0,
    });
    const spend = (await ledger.history(user, { limit: 1, kind: ['spend'] })).items[0]!;
    expect(spend.description).toMatch(/uncollected: 500 credits/);
  });

  it('settles a second charge from the same hold on its own spend row, after the first', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 10_000 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const reservationId = randomUUID();
    await ledger.reserve({ userId: user, reservationId, amount: 3_000 });
    const settled = await ledger.settle({
      reservationId,
      cost: 1_200,
      usage: { inputTokens: 10, outputTokens: 20 },
      description: 'Reply',
      messageId: 'm-1',
      also: { cost: 150, usage: { inputTokens: 40, outputTokens: 5 }, description: 'Conversation title' },
    });
    expect(settled).toEqual({ charged: 1_200, shortfall: 0, alsoCharged: 150, balance: 8_650 });
    const spends = (await ledger.history(user, { limit: 5, kind: ['spend'] })).items;
    expect(spends.map((s) => [s.description, s.amount, s.inputTokens, s.outputTokens, s.messageId]).sort()).toEqual([
      ['Conversation title', -150, 40, 5, null],
      ['Reply', -1_200, 10, 20, 'm-1'],
    ]);
    expect(await ledger.settle({ reservationId, cost: 1, also: { cost: 1, description: 'x' } })).toBeNull();
    expect(await ledger.balance(user)).toBe(8_650);
    expect(await ledger.verify()).toEqual([]);
  });

  it('charges the second charge only from what the first leaves, recording its shortfall', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 1_000 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const reservationId = randomUUID();
    await ledger.reserve({ userId: user, reservationId, amount: 1_000 });
    const settled = await ledger.settle({
      reservationId,
      cost: 900,
      description: 'Reply',
      also: { cost: 300, description: 'Conversation title' },
    });
    expect(settled).toEqual({ charged: 900, shortfall: 0, alsoCharged: 100, balance: 0 });
    const title = (await ledger.history(user, { limit: 5, kind: ['spend'] })).items.find((s) =>
      s.description?.startsWith('Conversation title'),
    )!;
    expect(title.description).toMatch(/uncollected: 200 credits/);
    expect(await ledger.verify()).toEqual([]);
  });

  it('refuses a hold the balance cannot cover, naming balance and requirement', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 500 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const error = await ledger
      .reserve({ userId: user, reservationId: randomUUID(), amount: 501 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect(error).toMatchObject({ status: 402, details: { balance: 500, required: 501 } });
  });

  it('lets exactly the affordable ones of 50 concurrent holds through', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 3_500 }));
    const user = await newUser(database);
    await ledger.openAccount(user);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => ledger.reserve({ userId: user, reservationId: randomUUID(), amount: 1_000 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected.every((r) => r.reason instanceof InsufficientCreditsError)).toBe(true);
    expect(await ledger.balance(user)).toBe(500);
    expect(await ledger.verify()).toEqual([]);
  });

  it('applies an adjustment once per idempotency key and never debits below zero', async () => {
    const ledger = createLedger(database.db, billing({ startBalance: 0 }));
    const user = await newUser(database);
    const key = `test:${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ledger.adjust({ userId: user, amount: 700, kind: 'grant', key })),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await ledger.balance(user)).toBe(700);
    await expect(
      ledger.adjust({ userId: user, amount: -701, kind: 'admin_adjust', key: randomUUID() }),
    ).rejects.toThrow(InsufficientCreditsError);
    expect(await ledger.adjust({ userId: user, amount: -700, kind: 'admin_adjust', key: randomUUID() })).toEqual({
      balance: 0,
    });
  });

  it('refills automatically once per interval when enabled', async () => {
    const clock = manualClock();
    const ledger = createLedger(
      database.db,
      billing({ startBalance: 100, autoRefill: { enabled: true, amount: 5_000, intervalHours: 24 } }),
      clock,
    );
    const user = await newUser(database);
    await ledger.openAccount(user);
    expect(await ledger.balance(user)).toBe(100);
    clock.advance(24 * 3_600_000);
    await Promise.all([ledger.balance(user), ledger.balance(user), ledger.balance(user)]);
    expect(await ledger.balance(user)).toBe(5_100);
    clock.advance(3_600_000);
    expect(await ledger.balance(user)).toBe(5_100);
  });

  it('finds a balance that no longer matches its ledger', async () => {
    const ledger = createLedger(database.db, billing());
    const user = await newUser(database);
    await ledger.openAccount(user);
    expect((await ledger.verify()).map((m) => m.userId)).not.toContain(user);
    await database.db.execute(sql`update balances set credits = credits + 1 where user_id = ${user}`);
    expect(await ledger.verify()).toContainEqual(
      expect.objectContaining({ userId: user, balance: 20_001, ledger: 20_000 }),
    );
    await database.db.execute(sql`update balances set credits = credits - 1 where user_id = ${user}`);
  });
});

describe.each(testDatabases)('the transaction history API on $name', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  it('pages newest first, filters by kind and date, and exports CSV', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const { id: userId } = (await client.me()).json();
    await createLedger(t.database.db, billing()).adjust({
      userId,
      amount: 20_000,
      kind: 'admin_adjust',
      key: randomUUID(),
    });

    const first = (await client.request({ method: 'GET', url: '/api/transactions?limit=1' })).json();
    expect(first.items).toEqual([
      expect.objectContaining({ kind: 'admin_adjust', amount: 20_000, balanceAfter: 40_000 }),
    ]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await client.request({ method: 'GET', url: `/api/transactions?limit=1&cursor=${first.nextCursor}` })
    ).json();
    expect(second).toEqual({ items: [expect.objectContaining({ kind: 'grant', amount: 20_000 })], nextCursor: null });

    expect(
      (await client.request({ method: 'GET', url: '/api/transactions?kind=grant,spend' })).json().items,
    ).toHaveLength(1);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await client.request({ method: 'GET', url: `/api/transactions?from=${future}` })).json().items).toEqual([]);

    const bad = await client.request({ method: 'GET', url: '/api/transactions?kind=bribe&limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['querystring.kind.0', 'querystring.limit']);

    const csv = await client.request({ method: 'GET', url: '/api/transactions/export.csv' });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toMatch(/^id,createdAt,kind,amount,balanceAfter,/);
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['admin_adjust', 'grant']);
  });
});
