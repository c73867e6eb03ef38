import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type DatabaseTarget } from '../db/client.ts';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database for one suite. */
  create(): Promise<{ target: DatabaseTarget; url?: string; drop(): Promise<void> }>;
}

let template: Promise<PGlite> | undefined;

/** Suites clone one migrated in-memory database per worker: cloning is faster than initdb plus migrations. */
const pglite: TestDatabase = {
  name: 'pglite',
  async create() {
    template ??= (async () => {
      const database = await openDatabase({ kind: 'pglite' });
      await database.migrate();
      return (database.db as unknown as { $client: PGlite }).$client;
    })();
    const client = (await (await template).clone()) as PGlite;
    return { target: { kind: 'pglite', client }, drop: async () => {} };
  },
};

/** Each suite gets its own database on the server named by TEST_DATABASE_URL, dropped afterwards. */
export function postgresTestDatabase(adminUrl: string): TestDatabase {
  return {
    name: 'postgres',
    async create() {
      const name = `tessera_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        target: { kind: 'postgres', url: url.toString(), poolSize: 10 },
        url: url.toString(),
        async drop() {
          const client = new pg.Client({ connectionString: adminUrl });
          await client.connect();
          await client.query(`drop database if exists ${name} with (force)`);
          await client.end();
        },
      };
    },
  };
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const testDatabases: TestDatabase[] = process.env.TEST_DATABASE_URL
  ? [pglite, postgresTestDatabase(process.env.TEST_DATABASE_URL)]
  : [pglite];

if (!process.env.TEST_DATABASE_URL && !process.env.TESSERA_QUIET_SKIPS) {
  console.warn('TEST_DATABASE_URL is not set: database suites run on PGlite only; the PostgreSQL runs are skipped.');
}
