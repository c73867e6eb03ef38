import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';
import { lockDataDir } from './lock.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseTarget =
  | {
      kind: 'pglite';
      /** Omitted: in memory. */
      dataDir?: string;
      /** An already open instance to use instead (tests clone a migrated template). */
      client?: PGlite;
    }
  | { kind: 'postgres'; url: string; poolSize?: number };

export interface Database {
  db: Db;
  kind: DatabaseTarget['kind'];
  migrate(): Promise<void>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const MIGRATION_LOCK_ID = 7_343_771;
// PGlite's files sit in the OS page cache anyway; its own 128 MB default buffer pool costs ~150 MB
// of resident memory for little gain on one machine (measured: 368 → 222 MB RSS, faster open).
const PGLITE_SETTINGS = ['shared_buffers = 16MB'];
const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Opens the embedded or the server database; `owner` names the process in lock messages. */
export async function openDatabase(target: DatabaseTarget, owner = 'tessera'): Promise<Database> {
  if (target.kind === 'postgres') return openPostgres(target.url, target.poolSize);
  return openPglite(target.dataDir, owner, target.client);
}

async function openPglite(dataDir: string | undefined, owner: string, existing?: PGlite): Promise<Database> {
  const unlock = dataDir ? await lockDataDir(dataDir, owner) : async () => {};
  let client: PGlite;
  try {
    client = existing ?? (await PGlite.create(dataDir ?? 'memory://', { postgresqlconf: PGLITE_SETTINGS }));
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      await client.close();
      await unlock();
    },
  };
}

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  // The timeout also bounds the wait for a free pooled connection: a burst (hundreds of replies starting
  // at once on a busy CPU) queues for seconds, and should be served, not refused with a 503. A server
  // that refuses connections still fails at once.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 15_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    migrate: async () => {
      // Instances starting together must not run the same migration twice.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        await migratePg(drizzlePg({ client }), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => {});
        client.release();
      }
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => pool.end(),
  };
}
