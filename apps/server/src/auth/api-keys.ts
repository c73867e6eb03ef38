import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKey, CreatedApiKey } from '@tessera/shared';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys, users } from '../db/schema.ts';
import type { AuthUser } from './user.ts';

const KEY_PREFIX = 'tsk_';
const SHOWN_PREFIX_LENGTH = 12;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Keys are 256 random bits: a fast hash is enough to make a stolen table useless. */
export function createApiKeyService(db: Db) {
  return {
    async create(userId: string, name: string): Promise<CreatedApiKey> {
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const id = randomUUID();
      await db.insert(apiKeys).values({
        id,
        userId,
        name,
        prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
        keyHash: hashKey(key),
      });
      return { id, name, key };
    },

    async list(userId: string): Promise<ApiKey[]> {
      const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      }));
    },

    async remove(userId: string, id: string): Promise<boolean> {
      const deleted = await db
        .delete(apiKeys)
        .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId)))
        .returning({ id: apiKeys.id });
      return deleted.length > 0;
    },

    /** The key's owner, or null for an unknown key or a banned owner. */
    async verify(key: string): Promise<AuthUser | null> {
      if (!key.startsWith(KEY_PREFIX)) return null;
      const [row] = await db
        .select({
          keyId: apiKeys.id,
          id: users.id,
          email: users.email,
          name: users.name,
          role: users.role,
          banned: users.banned,
        })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(eq(apiKeys.keyHash, hashKey(key)));
      if (!row || row.banned) return null;
      // Recording use at most once a minute keeps a busy key from writing on every request.
      await db
        .update(apiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(
          and(
            eq(apiKeys.id, row.keyId),
            or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
          ),
        );
      return { id: row.id, email: row.email, name: row.name, role: row.role === 'admin' ? 'admin' : 'user' };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
