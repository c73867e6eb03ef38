import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Transaction, TransactionKind, TransactionQuery } from '@tessera/shared';
import type { Config, Price } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { balances, reservations, transactions, users } from '../db/schema.ts';
import { queryRows, sqlState, toNumber, UNIQUE_VIOLATION } from '../db/sql.ts';
import { BalanceStatement, p, type Executor } from './balance-write.ts';
import type { Usage } from './pricing.ts';
import { AppError } from '../http/errors.ts';

export type BillingConfig = Config['billing'];
export type Clock = () => Date;

export class InsufficientCreditsError extends AppError {
  constructor(
    readonly balance: number,
    readonly required: number,
  ) {
    super('INSUFFICIENT_CREDITS', `This needs ${required} credits and your balance is ${balance}`, {
      balance,
      required,
    });
  }
}

/** What a charge was for; stored on its ledger rows. */
export interface ChargeContext {
  endpoint?: string;
  model?: string;
  conversationId?: string;
  messageId?: string;
  description?: string;
}

export interface Settlement {
  charged: number;
  /** What the reply cost beyond what the user could pay (recorded, not hidden). */
  shortfall: number;
  /** What the second charge (`also`) took. */
  alsoCharged: number;
  balance: number;
}

/** A second charge settled from the same reservation, on its own spend row. */
export interface ExtraCharge {
  cost: number;
  usage?: Usage;
  description: string;
}

const HOUR_MS = 3_600_000;

function toTransaction(row: typeof transactions.$inferSelect): Transaction {
  return {
    id: String(row.id),
    kind: row.kind,
    amount: toNumber(row.amount),
    balanceAfter: toNumber(row.balanceAfter),
    description: row.description,
    endpoint: row.endpoint,
    model: row.model,
    conversationId: row.conversationId,
    messageId: row.messageId,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cacheReadTokens: row.cacheReadTokens,
    cacheWriteTokens: row.cacheWriteTokens,
    reasoningTokens: row.reasoningTokens,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A credit or debit with nothing else attached (grants, adjustments, purchases, refunds). */
export interface LedgerEntry {
  userId: string;
  amount: number;
  kind: Extract<TransactionKind, 'grant' | 'admin_adjust' | 'purchase' | 'refund' | 'reversal'>;
  key: string;
  description?: string;
  actorId?: string;
  paymentIntentId?: string;
}

const OPEN = new BalanceStatement({
  open: true,
  userId: p('userId'),
  at: p('now'),
  // A start balance of 0 opens the account with no ledger row (a row moves credits).
  rows: [
    {
      kind: 'grant',
      amount: p('start'),
      key: p('key'),
      when: sql`${p('start')}::bigint <> 0`,
      details: { description: 'Start balance' },
    },
  ],
});

const REFILL = new BalanceStatement({
  userId: p('userId'),
  at: p('now'),
  set: sql`last_refill_at = ${p('now')}::timestamptz`,
  when: sql`balances.last_refill_at is null or balances.last_refill_at <= ${p('due')}::timestamptz`,
  rows: [{ kind: 'auto_refill', amount: p('amount'), key: p('key'), details: { description: 'Automatic refill' } }],
});

/** A debit never goes below zero: then nothing changes and no row comes back. A reused key throws the unique violation. */
const ENTRY = new BalanceStatement({
  userId: p('userId'),
  at: p('now'),
  rows: [
    {
      kind: p('kind'),
      amount: p('amount'),
      key: p('key'),
      details: { description: p('description'), actorId: p('actorId'), paymentIntentId: p('paymentIntentId') },
    },
  ],
});

const entryValues = (entry: LedgerEntry, now: Date) => ({
  userId: entry.userId,
  kind: entry.kind,
  amount: entry.amount,
  key: entry.key,
  description: entry.description,
  actorId: entry.actorId,
  paymentIntentId: entry.paymentIntentId,
  now,
});

/** Takes back up to `upTo` from the locked balance row, as far as it goes. */
const TAKE_BACK = new BalanceStatement({
  with: [
    sql`locked as (
      select least(credits, ${p('upTo')}::bigint) as taken from balances
      where user_id = ${p('userId')}::text for update)`,
  ],
  from: ['locked'],
  userId: p('userId'),
  at: p('now'),
  when: sql`locked.taken > 0`,
  rows: [
    {
      kind: p('kind'),
      amount: sql`-locked.taken`,
      key: p('key'),
      details: { description: p('description'), paymentIntentId: p('paymentIntentId') },
    },
  ],
});

const HOLD = new BalanceStatement(
  {
    userId: p('userId'),
    at: p('now'),
    alongside: [
      [
        'reserved',
        sql`insert into reservations (id, user_id, amount, created_at)
          select ${p('reservationId')}::text, changed.user_id, ${p('amount')}::bigint, ${p('now')}::timestamptz from changed
          returning id`,
      ],
    ],
    rows: [
      {
        kind: 'hold',
        amount: p('debit'),
        key: p('key'),
        details: {
          reservationId: sql`reserved.id`,
          endpoint: p('endpoint'),
          model: p('model'),
          conversationId: p('conversationId'),
          messageId: p('messageId'),
          description: p('description'),
        },
      },
    ],
  },
  'ledger_hold',
);

// One statement: claim the reservation, lock the balance and compute the charges from the locked
// row; the balance write then gives the hold back (release), spends the real cost and the second
// charge if any, each its own row. A second settle finds no held reservation.
const SETTLE = new BalanceStatement(
  {
    with: [
      sql`claimed as (
        update reservations set status = 'settled', settled_at = ${p('now')}::timestamptz
        where id = ${p('reservationId')} and status = 'held'
        returning user_id, amount)`,
      sql`locked as (
        select b.user_id, c.amount as held, b.credits + c.amount as available
        from balances b join claimed c on c.user_id = b.user_id for update of b)`,
      sql`charge as (
        select l.*, least(${p('cost')}::bigint, l.available) as charged,
               least(coalesce(${p('alsoCost')}::bigint, 0), l.available - least(${p('cost')}::bigint, l.available)) as also_charged
        from locked l)`,
    ],
    from: ['charge'],
    userId: sql`charge.user_id`,
    at: p('now'),
    rows: [
      {
        kind: 'release',
        amount: sql`charge.held`,
        key: p('releaseKey'),
        details: {
          reservationId: p('reservationId'),
          endpoint: p('endpoint'),
          model: p('model'),
          conversationId: p('conversationId'),
          messageId: p('messageId'),
        },
      },
      {
        kind: 'spend',
        amount: sql`-charge.charged`,
        key: p('spendKey'),
        details: {
          reservationId: p('reservationId'),
          endpoint: p('endpoint'),
          model: p('model'),
          conversationId: p('conversationId'),
          messageId: p('messageId'),
          description: sql`case when charge.charged < ${p('cost')}::bigint
            then ${p('fallbackDescription')}::text || ' (uncollected: ' || (${p('cost')}::bigint - charge.charged) || ' credits)'
            else ${p('description')}::text end`,
          inputTokens: p('inputTokens'),
          outputTokens: p('outputTokens'),
          cacheReadTokens: p('cacheReadTokens'),
          cacheWriteTokens: p('cacheWriteTokens'),
          reasoningTokens: p('reasoningTokens'),
          rates: p('rates'),
        },
      },
      {
        // The second charge (`also`): after the first, from what it left; not the reply message's.
        kind: 'spend',
        amount: sql`-charge.also_charged`,
        key: p('alsoKey'),
        when: sql`${p('alsoCost')}::bigint is not null`,
        details: {
          reservationId: p('reservationId'),
          endpoint: p('endpoint'),
          model: p('model'),
          conversationId: p('conversationId'),
          description: sql`case when charge.also_charged < ${p('alsoCost')}::bigint
            then ${p('alsoDescription')}::text || ' (uncollected: ' || (${p('alsoCost')}::bigint - charge.also_charged) || ' credits)'
            else ${p('alsoDescription')}::text end`,
          inputTokens: p('alsoInputTokens'),
          outputTokens: p('alsoOutputTokens'),
          cacheReadTokens: p('alsoCacheReadTokens'),
          cacheWriteTokens: p('alsoCacheWriteTokens'),
          reasoningTokens: p('alsoReasoningTokens'),
          rates: p('rates'),
        },
      },
    ],
  },
  'ledger_settle',
);

const RELEASE = new BalanceStatement({
  with: [
    sql`claimed as (
      update reservations set status = 'released', settled_at = ${p('now')}::timestamptz
      where id = ${p('reservationId')} and status = 'held'
      returning user_id, amount)`,
  ],
  from: ['claimed'],
  userId: sql`claimed.user_id`,
  at: p('now'),
  rows: [
    {
      kind: 'release',
      amount: sql`claimed.amount`,
      key: p('key'),
      details: { reservationId: p('reservationId') },
    },
  ],
});

/**
 * Every balance change: one conditional statement (a `BalanceStatement`) that writes the balance
 * and its ledger rows together, keyed so a retry or a duplicate cannot apply twice.
 */
export function createLedger(db: Db, billing: BillingConfig, clock: Clock = () => new Date()) {
  const refillMs = billing.autoRefill.intervalHours * HOUR_MS;

  /** Creates the balance row with the start balance; a no-op when it exists. */
  async function openAccount(userId: string): Promise<void> {
    try {
      await OPEN.run(db, { userId, now: clock(), start: billing.startBalance, key: `start:${userId}` });
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    }
  }

  async function balanceOf(userId: string): Promise<number | null> {
    const [row] = await db.select({ credits: balances.credits }).from(balances).where(eq(balances.userId, userId));
    return row ? toNumber(row.credits) : null;
  }

  /** Adds auto-refill credits when the interval has passed since the last refill. */
  async function refillIfDue(userId: string): Promise<void> {
    if (!billing.enabled || !billing.autoRefill.enabled || billing.autoRefill.amount === 0) return;
    const now = clock();
    try {
      await REFILL.run(db, {
        userId,
        now,
        due: new Date(now.getTime() - refillMs),
        amount: billing.autoRefill.amount,
        key: `refill:${userId}:${Math.floor(now.getTime() / refillMs)}`,
      });
    } catch (error) {
      if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    }
  }

  return {
    openAccount,

    async balance(userId: string): Promise<number> {
      await refillIfDue(userId);
      const credits = await balanceOf(userId);
      if (credits !== null) return credits;
      await openAccount(userId);
      return (await balanceOf(userId)) ?? 0;
    },

    /**
     * Credits (or, with a negative amount, debits) a user. A debit never takes the balance below
     * zero. Returns null when the key was already used: the adjustment had been applied before.
     */
    async adjust(input: LedgerEntry): Promise<{ balance: number } | null> {
      await openAccount(input.userId);
      try {
        const [row] = await ENTRY.run(db, entryValues(input, clock()));
        if (!row) throw new InsufficientCreditsError((await balanceOf(input.userId)) ?? 0, -input.amount);
        return { balance: row.balanceAfter };
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) return null;
        throw error;
      }
    },

    /**
     * Credits a paid purchase inside the caller's transaction (payments apply Stripe's facts under
     * the purchase's row lock; the balance row must exist). Keyed by the PaymentIntent: a second
     * credit of the same payment throws the unique violation. Returns the new balance.
     */
    async creditPurchase(
      tx: Executor,
      input: { userId: string; credits: number; paymentIntentId: string; description: string; at: Date },
    ): Promise<number> {
      const entry: LedgerEntry = {
        userId: input.userId,
        amount: input.credits,
        kind: 'purchase',
        key: `purchase:${input.paymentIntentId}`,
        description: input.description,
        paymentIntentId: input.paymentIntentId,
      };
      const [row] = await ENTRY.runIn(tx, entryValues(entry, input.at));
      if (!row) throw new Error(`No balance row for user ${input.userId}`);
      return row.balanceAfter;
    },

    /**
     * Takes back up to `upTo` credits of a refunded or disputed purchase, as far as the balance
     * goes, inside the caller's transaction. The balance row is locked and the amount computed
     * from it in the same statement. Returns what was taken (0 writes no row).
     */
    async takeBack(
      tx: Executor,
      input: {
        userId: string;
        upTo: number;
        kind: 'refund' | 'reversal';
        key: string;
        description: string;
        paymentIntentId: string;
        at: Date;
      },
    ): Promise<number> {
      const [row] = await TAKE_BACK.runIn(tx, { ...input, now: input.at });
      return row ? -row.amount : 0;
    },

    /**
     * Holds the worst-case cost of a generation before the provider is called. One conditional
     * update: concurrent reservations can never take the balance below zero.
     */
    async reserve(
      input: { userId: string; reservationId: string; amount: number } & ChargeContext,
    ): Promise<{ balance: number }> {
      await refillIfDue(input.userId);
      const values = {
        userId: input.userId,
        reservationId: input.reservationId,
        amount: input.amount,
        debit: -input.amount,
        key: `hold:${input.reservationId}`,
        endpoint: input.endpoint,
        model: input.model,
        conversationId: input.conversationId,
        messageId: input.messageId,
        description: input.description,
        now: clock(),
      };
      let rows = await HOLD.run(db, values);
      if (rows.length === 0) {
        const balance = await balanceOf(input.userId);
        if (balance === null) {
          await openAccount(input.userId);
          rows = await HOLD.run(db, values);
        }
        if (rows.length === 0) throw new InsufficientCreditsError((await balanceOf(input.userId)) ?? 0, input.amount);
      }
      return { balance: rows[0]!.balanceAfter };
    },

    /**
     * Ends a reservation: the hold comes back and the real cost is spent. A cost above what the
     * user can pay is charged as far as the balance goes; the rest is recorded as a shortfall.
     * `also` is a second charge held by the same reservation (a new conversation's title, written
     * alongside its first reply): its own spend row, charged after the main one. Settling twice is
     * a no-op that returns null.
     */
    async settle(
      input: { reservationId: string; cost: number; usage?: Usage; rates?: Price; also?: ExtraCharge } & ChargeContext,
    ): Promise<Settlement | null> {
      const id = input.reservationId;
      const cost = Math.max(0, Math.ceil(input.cost));
      const alsoCost = input.also ? Math.max(0, Math.ceil(input.also.cost)) : null;
      const { usage, also } = input;
      const rows = await SETTLE.run(db, {
        now: clock(),
        reservationId: id,
        cost,
        alsoCost,
        releaseKey: `release:${id}`,
        spendKey: `spend:${id}`,
        alsoKey: `spend:${id}:also`,
        endpoint: input.endpoint,
        model: input.model,
        conversationId: input.conversationId,
        messageId: input.messageId,
        description: input.description,
        fallbackDescription: input.description ?? 'Reply',
        inputTokens: usage?.inputTokens,
        outputTokens: usage?.outputTokens,
        cacheReadTokens: usage?.cacheReadTokens,
        cacheWriteTokens: usage?.cacheWriteTokens,
        reasoningTokens: usage?.reasoningTokens,
        rates: input.rates ? JSON.stringify(input.rates) : null,
        alsoDescription: also?.description,
        alsoInputTokens: also?.usage?.inputTokens,
        alsoOutputTokens: also?.usage?.outputTokens,
        alsoCacheReadTokens: also?.usage?.cacheReadTokens,
        alsoCacheWriteTokens: also?.usage?.cacheWriteTokens,
        alsoReasoningTokens: also?.usage?.reasoningTokens,
      });
      const spend = rows.find((r) => r.key === `spend:${id}`);
      if (!spend) return null;
      const second = rows.find((r) => r.key === `spend:${id}:also`);
      const charged = -spend.amount || 0;
      return {
        charged,
        shortfall: cost - charged,
        alsoCharged: second ? -second.amount || 0 : 0,
        balance: (second ?? spend).balanceAfter,
      };
    },

    /** Gives a whole hold back (nothing was generated). Releasing twice is a no-op. */
    async release(reservationId: string): Promise<{ balance: number } | null> {
      const [row] = await RELEASE.run(db, { now: clock(), reservationId, key: `release:${reservationId}` });
      return row ? { balance: row.balanceAfter } : null;
    },

    /** Holds older than `olderThanMs` whose generation never settled (a crashed process). */
    async staleReservations(olderThanMs: number): Promise<string[]> {
      const cutoff = new Date(clock().getTime() - olderThanMs);
      const rows = await db
        .select({ id: reservations.id })
        .from(reservations)
        .where(and(eq(reservations.status, 'held'), lt(reservations.createdAt, cutoff)));
      return rows.map((r) => r.id);
    },

    async history(userId: string, query: Partial<TransactionQuery> & { limit: number }) {
      const conditions = [eq(transactions.userId, userId)];
      if (query.kind?.length) conditions.push(inArray(transactions.kind, query.kind));
      if (query.from) conditions.push(gte(transactions.createdAt, new Date(query.from)));
      if (query.to) conditions.push(lt(transactions.createdAt, new Date(query.to)));
      if (query.cursor) conditions.push(lt(transactions.id, Number(query.cursor)));
      const rows = await db
        .select()
        .from(transactions)
        .where(and(...conditions))
        .orderBy(desc(transactions.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(toTransaction),
        nextCursor: rows.length > query.limit ? String(page.at(-1)!.id) : null,
      };
    },

    /** Users whose balance differs from the sum of their ledger (should be none). */
    async verify(): Promise<{ userId: string; email: string; balance: number; ledger: number }[]> {
      const rows = await queryRows<{ id: string; email: string; balance: unknown; ledger: unknown }>(
        db,
        sql`
        select u.id, u.email, coalesce(b.credits, 0) as balance, coalesce(t.total, 0) as ledger
        from ${users} u
        left join ${balances} b on b.user_id = u.id
        left join (select user_id, sum(amount) as total from ${transactions} group by user_id) t on t.user_id = u.id
        where coalesce(b.credits, 0) <> coalesce(t.total, 0)
        order by u.email`,
      );
      return rows.map((r) => ({
        userId: r.id,
        email: r.email,
        balance: toNumber(r.balance),
        ledger: toNumber(r.ledger),
      }));
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
