// npm run bench:ledger — claims/s and reply settlements/s through the ledger, each divided by the
// rate of a bare single-row UPDATE through the same driver in the same run.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createClaims } from '../apps/server/src/billing/claims.ts';
import { hotRows } from '../apps/server/src/billing/balance-write.ts';
import { createLedger } from '../apps/server/src/billing/ledger.ts';
import { configSchema } from '../apps/server/src/config/schema.ts';
import { openDatabase, type Database } from '../apps/server/src/db/client.ts';
import { users } from '../apps/server/src/db/schema.ts';
import { testDatabases } from '../apps/server/src/test/databases.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const CONCURRENCY = 8;

/** Operations per second over DURATION_MS, or until `work` returns false (nothing left to do). */
async function rate(work: (i: number) => Promise<unknown>): Promise<number> {
  let done = 0;
  let next = 0;
  const until = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        if ((await work(next++)) === false) return;
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

async function makeUsers(database: Database, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  for (let i = 0; i < n; i += 500) {
    await database.db
      .insert(users)
      .values(ids.slice(i, i + 500).map((id) => ({ id, name: 'b', email: `${id}@bench` })));
  }
  return ids;
}

const rows: string[][] = [];
for (const target of testDatabases) {
  const created = await target.create();
  const database = await openDatabase(created.target);
  await database.migrate();
  const billing = configSchema.parse({ billing: { startBalance: 1_000_000_000 } }).billing;
  const ledger = createLedger(database.db, billing);
  const claiming = createClaims(database.db, billing, ledger);
  const pool = await makeUsers(database, 20_000);
  await Promise.all(pool.slice(0, CONCURRENCY).map((id) => ledger.openAccount(id)));
  for (const id of pool.slice(CONCURRENCY)) await ledger.openAccount(id);

  // Through the same client path as the ledger's statements (on PostgreSQL a named prepared statement).
  const bare = await rate((i) =>
    hotRows(
      database.db,
      'bench_bare',
      sql`update balances set updated_at = now() where user_id = ${pool[i % CONCURRENCY]!}`,
    ),
  );
  let next = CONCURRENCY;
  // Every claim is by a different user, so each one is a real credit, not a refusal (it stops
  // early when every user has claimed).
  const claims = await rate(async () => {
    const user = pool[next++];
    if (!user) return false;
    await claiming.claim(user);
  });
  const held: string[] = [];
  const holds = await rate(async (i) => {
    const reservationId = randomUUID();
    await ledger.reserve({ userId: pool[i % CONCURRENCY]!, reservationId, amount: 5_000 });
    held.push(reservationId);
  });
  const settlements = await rate(async (i) => {
    const reservationId = held[i];
    if (!reservationId) return false;
    await ledger.settle({ reservationId, cost: 1_234, usage: { inputTokens: 100, outputTokens: 100 } });
  });
  const mismatches = await ledger.verify();
  if (mismatches.length) throw new Error(`ledger mismatch after the run: ${JSON.stringify(mismatches.slice(0, 3))}`);
  const pct = (n: number) => `${((n / bare) * 100).toFixed(0)}%`;
  rows.push([
    target.name,
    bare.toFixed(0),
    claims.toFixed(0),
    pct(claims),
    holds.toFixed(0),
    pct(holds),
    settlements.toFixed(0),
    pct(settlements),
  ]);
  await database.close();
  await created.drop();
}

const header = [
  'database',
  'bare UPDATE/s',
  'claims/s',
  '÷ bare',
  'reply holds/s',
  '÷ bare',
  'reply settlements/s',
  '÷ bare',
];
console.log(`\nLedger throughput, ${CONCURRENCY} concurrent callers, ${DURATION_MS / 1000} s each\n`);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
