import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Transaction, TransactionKind, TransactionQuery } from '@tessera/shared';
import type { Config, Price } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { balances, reservations, transactions, users } from '../db/schema.ts';
import { queryRows, sqlState, toNumber, UNIQUE_VIOLATION } from '../db/sql.ts';
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

export class ClaimCooldownError extends AppError {
  constructor(nextClaimAt: Date, remainingMs: number) {
    super('CLAIM_COOLDOWN', 'You have already claimed your free tokens; the next claim opens later', {
      nextClaimAt: nextClaimAt.toISOString(),
      remainingMs,
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

const dialect = new PgDialect();

/**
 * Runs one of the ledger's frequent statements (claim, hold, settlement). On PostgreSQL it is a
 * named prepared statement, parsed and planned once per connection: planning the settlement cost
 * about as much as running it (docs/benchmarks.md). PGlite has no named statements: there it is a
 * plain query. The SQL text must not vary between calls (every value is a parameter).
 */
export async function hotRows<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const client = (db as { $client?: unknown }).$client;
  if (!(client instanceof pg.Pool)) return queryRows<T>(db, query);
  const { sql: text, params } = dialect.sqlToQuery(query);
  return (await client.query<T & pg.QueryResultRow>({ name, text, values: params })).rows;
}

function toTransaction(row: typeof transactions.$inferSelect): Transaction {
  return {
    id: String(row.id),
    kind: row.kind as TransactionKind,
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

export interface LedgerEntry {
  userId: string;
  amount: number;
  kind: Extract<TransactionKind, 'grant' | 'admin_adjust' | 'purchase' | 'refund' | 'reversal'>;
  key: string;
  description?: string;
  actorId?: string;
  paymentIntentId?: string;
  at: Date;
}

/**
 * Moves a balance and writes its ledger row in one statement, on `db` or inside the caller's
 * transaction. A debit never takes the balance below zero: then nothing changes and it returns null.
 * A reused key throws the database's unique violation.
 */
export async function postEntry(db: Pick<Db, 'execute'>, entry: LedgerEntry): Promise<number | null> {
  const rows = await queryRows<{ balance_after: unknown }>(
    db,
    sql`
    with changed as (
      update balances set credits = credits + ${entry.amount}::bigint, updated_at = ${entry.at}::timestamptz
      where user_id = ${entry.userId} and credits + ${entry.amount}::bigint >= 0
      returning credits
    )
    insert into transactions (user_id, kind, amount, balance_after, idempotency_key, description, actor_id, payment_intent_id, created_at)
    select ${entry.userId}::text, ${entry.kind}::text, ${entry.amount}::bigint, credits, ${entry.key}::text,
           ${entry.description ?? null}::text, ${entry.actorId ?? null}::text, ${entry.paymentIntentId ?? null}::text,
           ${entry.at}::timestamptz
    from changed
    returning balance_after`,
  );
  return rows.length === 0 ? null : toNumber(rows[0]!.balance_after);
}

/**
 * Every balance change: one conditional statement or one database transaction that writes the
 * balance and its ledger row together, keyed so a retry or a duplicate cannot apply twice.
 */
export function createLedger(db: Db, billing: BillingConfig, clock: Clock = () => new Date()) {
  const claimMs = billing.claim.cooldownHours * HOUR_MS;
  const refillMs = billing.autoRefill.intervalHours * HOUR_MS;

  /** Creates the balance row with the start balance; a no-op when it exists. */
  async function openAccount(userId: string): Promise<void> {
    const now = clock();
    const start = billing.startBalance;
    if (start === 0) {
      await db.insert(balances).values({ userId, credits: 0, lastRefillAt: now }).onConflictDoNothing();
      return;
    }
    try {
      await db.execute(sql`
        with opened as (
          insert into balances (user_id, credits, last_refill_at, updated_at)
          values (${userId}, ${start}::bigint, ${now}::timestamptz, ${now}::timestamptz)
          on conflict (user_id) do nothing
          returning credits
        )
        insert into transactions (user_id, kind, amount, balance_after, idempotency_key, description, created_at)
        select ${userId}::text, 'grant', ${start}::bigint, credits, ${`start:${userId}`}::text, 'Start balance', ${now}::timestamptz from opened`);
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
    const due = new Date(now.getTime() - refillMs);
    const key = `refill:${userId}:${Math.floor(now.getTime() / refillMs)}`;
    try {
      await db.execute(sql`
        with refilled as (
          update balances set credits = credits + ${billing.autoRefill.amount}::bigint, last_refill_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
          where user_id = ${userId} and (last_refill_at is null or last_refill_at <= ${due}::timestamptz)
          returning credits
        )
        insert into transactions (user_id, kind, amount, balance_after, idempotency_key, description, created_at)
        select ${userId}::text, 'auto_refill', ${billing.autoRefill.amount}::bigint, credits, ${key}::text, 'Automatic refill', ${now}::timestamptz
        from refilled`);
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
    async adjust(input: Omit<LedgerEntry, 'at'>): Promise<{ balance: number } | null> {
      await openAccount(input.userId);
      try {
        const balance = await postEntry(db, { ...input, at: clock() });
        if (balance === null) {
          throw new InsufficientCreditsError((await balanceOf(input.userId)) ?? 0, -input.amount);
        }
        return { balance };
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) return null;
        throw error;
      }
    },

    async claimStatus(userId: string) {
      const now = clock();
      const [row] = await db
        .select({ lastClaimAt: balances.lastClaimAt })
        .from(balances)
        .where(eq(balances.userId, userId));
      const next = row?.lastClaimAt ? new Date(row.lastClaimAt.getTime() + claimMs) : null;
      const remainingMs = next ? Math.max(0, next.getTime() - now.getTime()) : 0;
      return {
        canClaim: remainingMs === 0,
        amount: billing.claim.amount,
        nextClaimAt: remainingMs > 0 ? next!.toISOString() : null,
        remainingMs,
      };
    },

    /**
     * The daily claim. One statement decides: the balance changes only if the cooldown has passed,
     * and its ledger row is keyed by the user's claim window, so no race can credit twice.
     */
    async claim(userId: string): Promise<{ credited: number; balance: number; nextClaimAt: Date }> {
      const now = clock();
      const amount = billing.claim.amount;
      const cutoff = new Date(now.getTime() - claimMs);
      // Any two claims at least a cooldown apart fall in different windows, so the key never blocks a fair claim.
      const key = `claim:${userId}:${Math.floor(now.getTime() / claimMs)}`;
      let rows: { balance_after: unknown }[] = [];
      try {
        rows = await hotRows(
          db,
          'ledger_claim',
          sql`
          with claimed as (
            update balances set credits = credits + ${amount}::bigint, last_claim_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
            where user_id = ${userId} and (last_claim_at is null or last_claim_at <= ${cutoff}::timestamptz)
            returning credits
          )
          insert into transactions (user_id, kind, amount, balance_after, idempotency_key, description, created_at)
          select ${userId}::text, 'claim', ${amount}::bigint, credits, ${key}::text, 'Daily claim', ${now}::timestamptz from claimed
          returning balance_after`,
        );
      } catch (error) {
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      }
      if (rows.length === 0) {
        const [row] = await db
          .select({ lastClaimAt: balances.lastClaimAt })
          .from(balances)
          .where(eq(balances.userId, userId));
        // An account made before billing existed has no balance row yet: open it and claim again.
        if (!row) {
          await openAccount(userId);
          return this.claim(userId);
        }
        const next = new Date((row?.lastClaimAt ?? now).getTime() + claimMs);
        throw new ClaimCooldownError(next, Math.max(0, next.getTime() - now.getTime()));
      }
      return {
        credited: amount,
        balance: toNumber(rows[0]!.balance_after),
        nextClaimAt: new Date(now.getTime() + claimMs),
      };
    },

    /**
     * Holds the worst-case cost of a generation before the provider is called. One conditional
     * update: concurrent reservations can never take the balance below zero.
     */
    async reserve(
      input: { userId: string; reservationId: string; amount: number } & ChargeContext,
    ): Promise<{ balance: number }> {
      await refillIfDue(input.userId);
      const now = clock();
      const hold = async () =>
        hotRows<{ balance_after: unknown }>(
          db,
          'ledger_hold',
          sql`
          with held as (
            update balances set credits = credits - ${input.amount}::bigint, updated_at = ${now}::timestamptz
            where user_id = ${input.userId} and credits >= ${input.amount}::bigint
            returning credits
          ), reserved as (
            insert into reservations (id, user_id, amount, created_at)
            select ${input.reservationId}::text, ${input.userId}::text, ${input.amount}::bigint, ${now}::timestamptz from held
            returning id
          )
          insert into transactions (user_id, kind, amount, balance_after, idempotency_key, reservation_id,
                                    endpoint, model, conversation_id, message_id, description, created_at)
          select ${input.userId}::text, 'hold', ${-input.amount}::bigint, held.credits, ${`hold:${input.reservationId}`}::text,
                 reserved.id, ${input.endpoint ?? null}::text, ${input.model ?? null}::text, ${input.conversationId ?? null}::text,
                 ${input.messageId ?? null}::text, ${input.description ?? null}::text, ${now}::timestamptz
          from held, reserved
          returning balance_after`,
        );
      let rows = await hold();
      if (rows.length === 0) {
        const balance = await balanceOf(input.userId);
        if (balance === null) {
          await openAccount(input.userId);
          rows = await hold();
        }
        if (rows.length === 0) throw new InsufficientCreditsError((await balanceOf(input.userId)) ?? 0, input.amount);
      }
      return { balance: toNumber(rows[0]!.balance_after) };
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
      const now = clock();
      const cost = Math.max(0, Math.ceil(input.cost));
      const alsoCost = input.also ? Math.max(0, Math.ceil(input.also.cost)) : null;
      const description = input.description ?? 'Reply';
      const usage = input.usage;
      const alsoUsage = input.also?.usage;
      // One statement: claim the reservation, lock the balance and compute the charges from the
      // locked row, and write the balance and the ledger rows from those same values. A second
      // settle finds no held reservation.
      const rows = await hotRows<{ part: number; amount: unknown; balance_after: unknown }>(
        db,
        'ledger_settle',
        sql`
        with claimed as (
          update reservations set status = 'settled', settled_at = ${now}::timestamptz
          where id = ${input.reservationId} and status = 'held'
          returning user_id, amount
        ), locked as (
          select b.user_id, c.amount as held, b.credits + c.amount as available
          from balances b join claimed c on c.user_id = b.user_id for update of b
        ), charge as (
          select l.*, least(${cost}::bigint, l.available) as charged,
                 least(coalesce(${alsoCost}::bigint, 0), l.available - least(${cost}::bigint, l.available)) as also_charged
          from locked l
        ), updated as (
          update balances set credits = charge.available - charge.charged - charge.also_charged, updated_at = ${now}::timestamptz
          from charge where balances.user_id = charge.user_id
        )
        -- From the one locked row: the hold comes back (release), then the real cost is spent, then
        -- the second charge if any. (A data-modifying WITH such as "updated" always runs, whether or
        -- not it is read.)
        insert into transactions (user_id, kind, amount, balance_after, idempotency_key, reservation_id, endpoint, model,
                                  conversation_id, message_id, description, input_tokens, output_tokens, cache_read_tokens,
                                  cache_write_tokens, reasoning_tokens, rates, created_at)
        select c.user_id, e.kind,
               case e.part when 0 then c.held when 1 then -c.charged else -c.also_charged end,
               case e.part when 0 then c.available when 1 then c.available - c.charged
                           else c.available - c.charged - c.also_charged end,
               e.kind || ':' || ${input.reservationId}::text || case when e.part = 2 then ':also' else '' end,
               ${input.reservationId}::text, ${input.endpoint ?? null}::text, ${input.model ?? null}::text,
               ${input.conversationId ?? null}::text,
               case when e.part < 2 then ${input.messageId ?? null}::text end,
               case e.part when 0 then null
                    when 1 then case when c.charged < ${cost}::bigint
                      then ${description}::text || ' (uncollected: ' || (${cost}::bigint - c.charged) || ' credits)'
                      else ${input.description ?? null}::text end
                    else case when c.also_charged < ${alsoCost}::bigint
                      then ${input.also?.description ?? null}::text || ' (uncollected: ' || (${alsoCost}::bigint - c.also_charged) || ' credits)'
                      else ${input.also?.description ?? null}::text end end,
               case e.part when 1 then ${usage?.inputTokens ?? null}::int when 2 then ${alsoUsage?.inputTokens ?? null}::int end,
               case e.part when 1 then ${usage?.outputTokens ?? null}::int when 2 then ${alsoUsage?.outputTokens ?? null}::int end,
               case e.part when 1 then ${usage?.cacheReadTokens ?? null}::int when 2 then ${alsoUsage?.cacheReadTokens ?? null}::int end,
               case e.part when 1 then ${usage?.cacheWriteTokens ?? null}::int when 2 then ${alsoUsage?.cacheWriteTokens ?? null}::int end,
               case e.part when 1 then ${usage?.reasoningTokens ?? null}::int when 2 then ${alsoUsage?.reasoningTokens ?? null}::int end,
               case when e.part > 0 then ${input.rates ? JSON.stringify(input.rates) : null}::jsonb end,
               ${now}::timestamptz
        from charge c cross join (values ('release', 0), ('spend', 1), ('spend', 2)) as e(kind, part)
        where e.part < 2 or ${alsoCost}::bigint is not null
        returning case when idempotency_key like '%:also' then 2 when kind = 'spend' then 1 else 0 end as part,
                  amount, balance_after`,
      );
      const spend = rows.find((r) => Number(r.part) === 1);
      if (!spend) return null;
      const also = rows.find((r) => Number(r.part) === 2);
      const charged = -toNumber(spend.amount) || 0;
      const alsoCharged = also ? -toNumber(also.amount) || 0 : 0;
      return {
        charged,
        shortfall: cost - charged,
        alsoCharged,
        balance: toNumber((also ?? spend).balance_after),
      };
    },

    /** Gives a whole hold back (nothing was generated). Releasing twice is a no-op. */
    async release(reservationId: string): Promise<{ balance: number } | null> {
      const now = clock();
      return db.transaction(async (tx) => {
        const [reservation] = await tx
          .update(reservations)
          .set({ status: 'released', settledAt: now })
          .where(and(eq(reservations.id, reservationId), eq(reservations.status, 'held')))
          .returning({ userId: reservations.userId, amount: reservations.amount });
        if (!reservation) return null;
        const held = toNumber(reservation.amount);
        const [row] = await tx
          .update(balances)
          .set({ credits: sql`${balances.credits} + ${held}`, updatedAt: now })
          .where(eq(balances.userId, reservation.userId))
          .returning({ credits: balances.credits });
        const balance = toNumber(row!.credits);
        await tx.insert(transactions).values({
          userId: reservation.userId,
          kind: 'release',
          amount: held,
          balanceAfter: balance,
          idempotencyKey: `release:${reservationId}`,
          reservationId,
          createdAt: now,
        });
        return { balance };
      });
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
