// The one place that writes balances and ledger rows: every operation of the ledger (and the daily
// claim) is a parameterisation of one statement shape, compiled once. Only billing/ imports this.
import { fillPlaceholders, Placeholder, SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { TransactionKind } from '@tessera/shared';
import type { Db } from '../db/client.ts';
import { queryRows, toNumber } from '../db/sql.ts';

const dialect = new PgDialect();

/**
 * Runs SQL text on the ledger's own database. With a name, on PostgreSQL it is a named prepared
 * statement, parsed and planned once per connection (its text must then never vary). PGlite has no
 * named statements: there it is a plain query on its client.
 */
async function runText<T>(db: Db, text: string, values: unknown[], name?: string): Promise<T[]> {
  const client = (db as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    return (await client.query<T & pg.QueryResultRow>(name ? { name, text, values } : { text, values })).rows;
  }
  return (await (client as { query(text: string, values: unknown[]): Promise<{ rows: T[] }> }).query(text, values))
    .rows;
}

/** Runs a query the way the ledger's frequent statements run (the benchmark's bare baseline uses it). */
export async function hotRows<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  return runText<T>(db, text, params, name);
}

/** Where a ledger statement runs inside a caller's transaction (payments, under their purchase row lock). */
export type Executor = Pick<Db, 'execute'>;

/** A ledger row's optional columns, with their SQL types (a missing one is a typed null). */
const DETAILS = {
  reservationId: ['reservation_id', 'text'],
  endpoint: ['endpoint', 'text'],
  model: ['model', 'text'],
  conversationId: ['conversation_id', 'text'],
  messageId: ['message_id', 'text'],
  description: ['description', 'text'],
  inputTokens: ['input_tokens', 'int'],
  outputTokens: ['output_tokens', 'int'],
  cacheReadTokens: ['cache_read_tokens', 'int'],
  cacheWriteTokens: ['cache_write_tokens', 'int'],
  reasoningTokens: ['reasoning_tokens', 'int'],
  rates: ['rates', 'jsonb'],
  actorId: ['actor_id', 'text'],
  paymentIntentId: ['payment_intent_id', 'text'],
} as const;
type Detail = keyof typeof DETAILS;
const DETAIL_NAMES = Object.keys(DETAILS) as Detail[];

/**
 * A value in a balance write: a placeholder bound on each call (`p('userId')`), an expression over
 * the rows the statement reads (`sql\`-charge.charged\``), or a constant of the statement.
 */
type Value = Placeholder | SQL | string | number | null;

/** A value bound on each call of a compiled statement. */
export const p = (name: string) => sql.placeholder(name);

export interface LedgerRow {
  kind: TransactionKind | Placeholder;
  /** Signed: what this row adds to the balance. */
  amount: Value;
  /** Unique across the ledger: a retry or a duplicate cannot write the row twice. */
  key: Value;
  /** Written only when this holds; its amount then counts as nothing. */
  when?: SQL;
  /** Optional columns (the others are null). */
  details?: Partial<Record<Detail, Value>>;
}

/**
 * One change of one balance and the ledger rows that explain it. The balance moves by exactly the
 * sum of the rows' amounts, every row's balance_after is the running balance, and the change is a
 * conditional write: it never takes the balance below zero and, with `when`, happens only if the
 * condition holds. When nothing changes, no row is written and the statement returns no rows.
 */
export interface BalanceWrite {
  userId: Value;
  at: Value;
  rows: LedgerRow[];
  /** Statements that run first, as named CTEs (`name as (…)`). */
  with?: SQL[];
  /** One-row CTEs the change reads (`userId`, `when` and the rows' values may refer to them). */
  from?: string[];
  when?: SQL;
  /** Further columns of the balance row to set (`last_claim_at = …`). */
  set?: SQL;
  /** Statements that run with the change, reading `changed` (a reservation): `[name, statement]`; rows may read them. */
  alongside?: [string, SQL][];
  /** Creates the balance row (nothing happens when it exists) instead of changing it: opening an account. */
  open?: boolean;
}

const sameValue = (a: Value, b: Value) =>
  a instanceof Placeholder && b instanceof Placeholder ? a.name === b.name : !(a instanceof SQL) && a === b;

const typed = (value: Value, type: string) =>
  value === null
    ? sql.raw(`null::${type}`)
    : value instanceof SQL
      ? sql`(${value})::${sql.raw(type)}`
      : sql`${value}::${sql.raw(type)}`;

/**
 * The one statement shape that writes balances and ledger rows (every operation of the ledger and
 * the daily claim is a parameterisation of it):
 *
 *   with …, changed as (update balances set credits = credits + Δ … where user and credits + Δ >= 0 and …
 *                       returning user_id, credits), …
 *   insert into transactions (…) select … from changed … returning key, amount, balance_after
 *
 * Σ amounts = Δ by construction, so balance == sum of the ledger holds for every operation.
 */
export function balanceWrite(write: BalanceWrite): SQL {
  const at = typed(write.at, 'timestamptz');
  const user = typed(write.userId, 'text');
  const amounts = write.rows.map((row) => {
    const amount = typed(row.amount, 'bigint');
    return row.when ? sql`(case when ${row.when} then ${amount} else 0 end)` : amount;
  });
  const delta = sql.join(amounts, sql` + `);
  const change = write.open
    ? sql`insert into balances (user_id, credits, last_refill_at, updated_at)
        values (${user}, ${delta}, ${at}, ${at})
        on conflict (user_id) do nothing
        returning user_id, credits`
    : sql`update balances set credits = balances.credits + ${delta}, updated_at = ${at}${write.set ? sql`, ${write.set}` : sql``}
        ${write.from?.length ? sql`from ${sql.raw(write.from.join(', '))} ` : sql``}where balances.user_id = ${user}
          and balances.credits + ${delta} >= 0${write.when ? sql` and (${write.when})` : sql``}
        returning balances.user_id, balances.credits`;
  const ctes = [
    ...(write.with ?? []),
    sql`changed as (${change})`,
    ...(write.alongside ?? []).map(([name, statement]) => sql`${sql.raw(name)} as (${statement})`),
  ];
  const sources = sql.raw(
    ['changed', ...(write.from ?? []), ...(write.alongside ?? []).map(([name]) => name)].join(', '),
  );
  const details = DETAIL_NAMES.filter((name) => write.rows.some((row) => row.details?.[name] !== undefined));
  // Each row's values; balance_after is the running balance (the new balance less the rows after it).
  const perRow = write.rows.map((row, i) => {
    const later = amounts.slice(i + 1);
    const balanceAfter = later.length ? sql`changed.credits - (${sql.join(later, sql` + `)})` : sql`changed.credits`;
    const raw: [Value, string][] = [
      [row.kind, 'text'],
      [row.amount, 'bigint'],
      [balanceAfter, 'bigint'],
      [row.key, 'text'],
      ...details.map((name): [Value, string] => [row.details?.[name] ?? null, DETAILS[name][1]]),
    ];
    return raw;
  });
  const columns = ['kind', 'amount', 'balance_after', 'idempotency_key', ...details.map((d) => DETAILS[d][0])];
  // Several rows come from one scan of the sources, a `VALUES` cross join picking each row's values
  // (measured cheaper to plan than a UNION ALL of one select per row: docs/benchmarks.md).
  const single = write.rows.length === 1;
  const values = columns.map((_, c) => {
    const [first, type] = perRow[0]![c]!;
    // The same placeholder or constant in every row is one value, not a case.
    if (single || perRow.every((row) => sameValue(row[c]![0], first))) return typed(first, type);
    return sql`case e.part ${sql.join(
      perRow.map((row, r) => sql`when ${sql.raw(String(r))} then ${typed(row[c]![0], type)}`),
      sql` `,
    )} end`;
  });
  const parts = single
    ? sql``
    : sql` cross join (values ${sql.raw(write.rows.map((_, r) => `(${r})`).join(', '))}) as e(part)`;
  const conditions = write.rows.flatMap((row, r) =>
    row.when ? [single ? row.when : sql`(e.part <> ${sql.raw(String(r))} or (${row.when}))`] : [],
  );
  return sql`with ${sql.join(ctes, sql`, `)}
    insert into transactions (user_id, ${sql.raw(columns.join(', '))}, created_at)
    select changed.user_id, ${sql.join(values, sql`, `)}, ${at}
    from ${sources}${parts}${conditions.length ? sql` where ${sql.join(conditions, sql` and `)}` : sql``}
    returning idempotency_key as key, amount, balance_after`;
}

export interface WrittenRow {
  key: string;
  amount: number;
  balanceAfter: number;
}

type RawRow = { key: string; amount: unknown; balance_after: unknown };
const written = (rows: RawRow[]): WrittenRow[] =>
  rows.map((r) => ({ key: r.key, amount: toNumber(r.amount), balanceAfter: toNumber(r.balance_after) }));

/**
 * A balance write compiled once: its SQL text cannot vary between calls (each call binds the
 * placeholders), and building it costs nothing per call. With a name (the frequent ones: claim,
 * hold, settlement) it is a named prepared statement on PostgreSQL, parsed and planned once per
 * connection: planning the settlement cost about as much as running it (docs/benchmarks.md).
 */
export class BalanceStatement {
  readonly text: string;
  private readonly params: unknown[];

  constructor(
    write: BalanceWrite,
    readonly name?: string,
  ) {
    const query = dialect.sqlToQuery(balanceWrite(write));
    this.text = query.sql;
    this.params = query.params;
  }

  /** Every placeholder must be given (a misspelt one throws); an undefined value is sent as null. */
  private bind(values: Record<string, unknown>): unknown[] {
    return fillPlaceholders(this.params, values).map((v) => v ?? null);
  }

  /** On the ledger's own database (`db` as drizzle opened it). */
  async run(db: Db, values: Record<string, unknown>): Promise<WrittenRow[]> {
    return written(await runText<RawRow>(db, this.text, this.bind(values), this.name));
  }

  /** Inside a caller's database transaction. */
  async runIn(tx: Executor, values: Record<string, unknown>): Promise<WrittenRow[]> {
    const params = this.bind(values);
    // The compiled text with its $n markers turned back into bound parameters.
    const chunks = this.text
      .split(/\$(\d+)/)
      .map((part, i) => (i % 2 ? sql`${params[Number(part) - 1]}` : sql.raw(part)));
    return written(await queryRows<RawRow>(tx, sql.join(chunks)));
  }
}
