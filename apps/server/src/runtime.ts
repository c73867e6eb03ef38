import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config/schema.ts';
import { ConfigError } from './config/load.ts';
import { openDatabase, type Database } from './db/client.ts';

/** Opens the database the config names: PostgreSQL when database.url is set, else PGlite in dataDir. */
export function openConfiguredDatabase(config: Config, owner: string): Promise<Database> {
  return config.database.url
    ? openDatabase({ kind: 'postgres', url: config.database.url, poolSize: config.database.poolSize })
    : openDatabase({ kind: 'pglite', dataDir: config.database.dataDir }, owner);
}

/**
 * auth.secret, or on a single machine a secret generated once into the data dir. Several
 * instances on PostgreSQL must share one, so there it has to be configured.
 */
export function resolveSecret(config: Config): string {
  if (config.auth.secret) return config.auth.secret;
  if (config.database.url) {
    throw new ConfigError(
      'auth.secret (TESSERA_SECRET) is required with database.url: every instance must sign sessions with the same secret',
    );
  }
  const file = path.join(config.database.dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.database.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export function openRedis(config: Config): Redis | null {
  if (!config.redis.url) return null;
  const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 1, lazyConnect: false });
  // Connection problems surface in /api/ready and per call; they must not crash the process.
  redis.on('error', () => {});
  return redis;
}
