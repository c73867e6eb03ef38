import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { manualClock } from '../test/clock.ts';
import { testDatabases } from '../test/databases.ts';
import { openTestDatabase } from '../test/app.ts';
import { createLedger, InsufficientCreditsError } from './ledger.ts';

const USERS = 3;
const HOUR = 3_600_000;
const REFILL = { enabled: true, amount: 3_000, intervalHours: 24 };

/** Where the run's clock starts: anywhere in ~11 days from 2026-01-01, so refill windows fall differently. */
const start = fc.date({
  min: new Date(Date.UTC(2026, 0, 1)),
  max: new Date(Date.UTC(2026, 0, 1) + 1e9),
  noInvalidDate: true,
});

const op = fc.oneof(
  fc.record({ type: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 30 }) }),
  fc.record({
    type: fc.constant('grant' as const),
    user: fc.nat(USERS - 1),
    amount: fc.integer({ min: 1, max: 50_000 }),
  }),
  fc.record({
    type: fc.constant('hold' as const),
    user: fc.nat(USERS - 1),
    amount: fc.integer({ min: 1, max: 60_000 }),
  }),
  fc.record({
    type: fc.constant('settle' as const),
    pick: fc.nat(),
    costFactor: fc.double({ min: 0, max: 2.5, noNaN: true }),
  }),
  fc.record({ type: fc.constant('release' as const), pick: fc.nat() }),
  fc.record({
    type: fc.constant('takeBack' as const),
    user: fc.nat(USERS - 1),
    upTo: fc.integer({ min: 1, max: 80_000 }),
  }),
);

describe.each(testDatabases)('ledger invariants under random operations on $name', (db) => {
  let database: Database;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ database, close } = await openTestDatabase(db));
  });
  afterAll(() => close());

  it('keeps every balance ≥ 0, equal to its ledger, and equal to a simple model of the rules', async () => {
    const config = configSchema.parse({ billing: { startBalance: 5_000, autoRefill: REFILL } }).billing;
    await fc.assert(
      fc.asyncProperty(start, fc.array(op, { minLength: 5, maxLength: 40 }), async (startAt, ops) => {
        const clock = manualClock(startAt);
        const ledger = createLedger(database.db, config, clock);
        // Identities, not inputs: fresh users every run (a shrunk run replays on the same database).
        const ids: string[] = Array.from({ length: USERS }, () => randomUUID());
        await database.db.insert(users).values(ids.map((id) => ({ id, name: 'P', email: `${id}@example.com` })));
        const model = ids.map(() => ({ balance: 5_000, lastRefill: clock().getTime() }));
        // Holds and balance reads first add the automatic refill when its interval has passed.
        const refill = (m: (typeof model)[number]) => {
          if (clock().getTime() - m.lastRefill < REFILL.intervalHours * HOUR) return;
          m.balance += REFILL.amount;
          m.lastRefill = clock().getTime();
        };
        const held: { id: string; user: number; amount: number }[] = [];
        await Promise.all(ids.map((id) => ledger.openAccount(id)));

        for (const o of ops) {
          if (o.type === 'wait') {
            clock.advance(o.hours * HOUR);
          } else if (o.type === 'grant') {
            await ledger.adjust({ userId: ids[o.user]!, amount: o.amount, kind: 'grant', key: randomUUID() });
            model[o.user]!.balance += o.amount;
          } else if (o.type === 'hold') {
            const id = randomUUID();
            const m = model[o.user]!;
            refill(m);
            const result = await ledger
              .reserve({ userId: ids[o.user]!, reservationId: id, amount: o.amount })
              .catch((e: unknown) => e);
            if (m.balance >= o.amount) {
              m.balance -= o.amount;
              held.push({ id, user: o.user, amount: o.amount });
              expect(result).toEqual({ balance: m.balance });
            } else {
              expect(result).toBeInstanceOf(InsufficientCreditsError);
            }
          } else if (o.type === 'takeBack') {
            const m = model[o.user]!;
            const taken = Math.min(m.balance, o.upTo);
            const result = await ledger.takeBack(database.db, {
              userId: ids[o.user]!,
              upTo: o.upTo,
              kind: 'refund',
              key: randomUUID(),
              description: 'Refund',
              paymentIntentId: 'pi_test',
              at: clock(),
            });
            m.balance -= taken;
            expect(result).toBe(taken);
          } else if (held.length > 0) {
            const [r] = held.splice(o.pick % held.length, 1);
            const m = model[r!.user]!;
            if (o.type === 'settle') {
              const cost = Math.round(r!.amount * o.costFactor);
              const charged = Math.min(cost, m.balance + r!.amount);
              m.balance = m.balance + r!.amount - charged;
              expect(await ledger.settle({ reservationId: r!.id, cost })).toMatchObject({
                charged,
                balance: m.balance,
              });
            } else {
              m.balance += r!.amount;
              expect(await ledger.release(r!.id)).toEqual({ balance: m.balance });
            }
          }
        }

        for (const [i, id] of ids.entries()) {
          refill(model[i]!);
          expect(await ledger.balance(id)).toBe(model[i]!.balance);
          expect(model[i]!.balance).toBeGreaterThanOrEqual(0);
        }
        const mismatched = (await ledger.verify()).filter((m) => ids.includes(m.userId));
        expect(mismatched).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
