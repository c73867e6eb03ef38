import type { SQL } from 'drizzle-orm';
import type { Db } from './client.ts';

/** Runs raw SQL on either driver and returns its rows (pg and PGlite both answer `{ rows }`). */
export async function queryRows<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * int8 arrives as BigInt from PGlite and as a string from pg; credits fit a JS number
 * (2^53 credits is US$9 billion), so they are read through this one function.
 */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new TypeError(`expected a number from the database, got ${typeof value}`);
}

/** The SQLSTATE of a database error, looking through driver and ORM wrappers. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export const UNIQUE_VIOLATION = '23505';
