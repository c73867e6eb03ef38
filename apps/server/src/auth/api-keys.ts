import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyScope, CreateApiKeyInput, CreatedApiKey } from '@tessera/shared';
import { and, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiKeys, users } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { AuthUser } from './user.ts';

const KEY_PREFIX = 'tsk_';
const SHOWN_PREFIX_LENGTH = 12;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Keys are 256 random bits: a fast hash is enough to make a stolen table useless. A user holds at
 * most `maxPerUser` of them.
 */
export function createApiKeyService(db: Db, { maxPerUser }: { maxPerUser: number }) {
  return {
    /** The count check and the insert run under a lock on the user's row, so concurrent creates cannot pass the cap. */
    async create(userId: string, { name, scope }: CreateApiKeyInput): Promise<CreatedApiKey> {
      const key = KEY_PREFIX + randomBytes(32).toString('base64url');
      const id = randomUUID();
      await db.transaction(async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
        const [held] = await tx.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, userId));
        if ((held?.n ?? 0) >= maxPerUser) {
          throw new AppError('API_KEY_LIMIT', `You can hold at most ${maxPerUser} API keys; delete one first`, {
            limit: maxPerUser,
          });
        }
        await tx.insert(apiKeys).values({
          id,
          userId,
          name,
          scope,
          prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
          keyHash: hashKey(key),
        });
      });
      return { id, name, scope, key };
    },

    async list(userId: string): Promise<ApiKey[]> {
      const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scope: row.scope,
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

    /** The key's owner and scope, or null for an unknown key or a banned owner. */
    async verify(key: string): Promise<{ user: AuthUser; scope: ApiKeyScope } | null> {
      if (!key.startsWith(KEY_PREFIX)) return null;
      const [row] = await db
        .select({
          keyId: apiKeys.id,
          scope: apiKeys.scope,
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
      const user: AuthUser = {
        id: row.id,
        email: row.email,
        name: row.name,
        role: row.role === 'admin' ? 'admin' : 'user',
      };
      return { user, scope: row.scope };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;
