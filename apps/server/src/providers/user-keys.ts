import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { ProviderKeyStatus } from '@tessera/shared';
import type { EndpointConfig } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { userProviderKeys } from '../db/schema.ts';

/** `apiKey: user_provided` in tessera.yaml: every user brings their own key for the endpoint. */
export const USER_PROVIDED = 'user_provided';

export function isUserProvided(endpoint: Pick<EndpointConfig, 'apiKey'> | null | undefined): boolean {
  return endpoint?.apiKey === USER_PROVIDED;
}

/** Whether replies on the endpoint cost credits; a user paying the provider with their own key is not charged twice. */
export function endpointBilling(endpoint: Pick<EndpointConfig, 'apiKey' | 'billing'>): 'credits' | 'free' {
  return endpoint.billing ?? (isUserProvided(endpoint) ? 'free' : 'credits');
}

/** The row a ciphertext belongs to; bound into it as additional authenticated data. */
export interface KeyOwner {
  userId: string;
  endpointId: string;
}

/** A stored key that cannot be decrypted: the server secret changed, or the value was moved or altered. */
export class UnreadableKeyError extends Error {
  constructor() {
    super('The saved provider key cannot be decrypted');
    this.name = 'UnreadableKeyError';
  }
}

const HKDF_INFO = 'tessera:user-provider-keys:v1';
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Keys shorter than this show no hint: four characters of a short key give too much of it away. */
const HINT_MIN_LENGTH = 12;

export function keyHint(apiKey: string): string {
  return apiKey.length >= HINT_MIN_LENGTH ? apiKey.slice(-4) : '';
}

/**
 * AES-256-GCM with a key derived from the server secret by HKDF-SHA256 (fixed info label, so the
 * derived key is used for nothing else). Each value gets a random 12-byte IV; the owner (user id and
 * endpoint id) is authenticated data, so a ciphertext copied to another row does not decrypt.
 * Stored as `v1.<iv>.<tag>.<ciphertext>` (base64url); the version names the scheme so it can rotate.
 */
export function createKeyCipher(secret: string) {
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), HKDF_INFO, 32));
  const aad = ({ userId, endpointId }: KeyOwner) => Buffer.from(JSON.stringify([VERSION, userId, endpointId]));

  return {
    encrypt(plaintext: string, owner: KeyOwner): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(owner));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv, tag, ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },

    /** The plaintext, or UnreadableKeyError for anything that does not authenticate. */
    decrypt(stored: string, owner: KeyOwner): string {
      const [version, iv, tag, ciphertext, ...rest] = stored.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0)
        throw new UnreadableKeyError();
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(aad(owner));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new UnreadableKeyError();
      }
    },
  };
}

export type KeyCipher = ReturnType<typeof createKeyCipher>;

/** What a user has saved for one endpoint. `apiKey` is present only when the key decrypts. */
export type UserKey =
  | { status: 'none' }
  | { status: 'unreadable'; hint: string; updatedAt: Date }
  | { status: 'set'; apiKey: string; hint: string; updatedAt: Date };

export interface UserKeySummary {
  status: ProviderKeyStatus;
  hint: string | null;
  updatedAt: Date | null;
}

/** Users' own provider keys, encrypted at rest. Plaintext keys never leave this module except to call a provider. */
export function createUserKeyStore(db: Db, secret: string) {
  const cipher = createKeyCipher(secret);
  const ownedBy = (owner: KeyOwner) =>
    and(eq(userProviderKeys.userId, owner.userId), eq(userProviderKeys.endpointId, owner.endpointId));

  function open(row: typeof userProviderKeys.$inferSelect): UserKey {
    try {
      const apiKey = cipher.decrypt(row.encrypted, row);
      return { status: 'set', apiKey, hint: row.hint, updatedAt: row.updatedAt };
    } catch (error) {
      if (error instanceof UnreadableKeyError)
        return { status: 'unreadable', hint: row.hint, updatedAt: row.updatedAt };
      throw error;
    }
  }

  return {
    async get(userId: string, endpointId: string): Promise<UserKey> {
      const [row] = await db.select().from(userProviderKeys).where(ownedBy({ userId, endpointId }));
      return row ? open(row) : { status: 'none' };
    },

    /** Every key the user saved, by endpoint id, without the keys themselves. */
    async summaries(userId: string): Promise<Map<string, UserKeySummary>> {
      const rows = await db.select().from(userProviderKeys).where(eq(userProviderKeys.userId, userId));
      return new Map(
        rows.map((row) => {
          const key = open(row);
          return [row.endpointId, { status: key.status, hint: row.hint || null, updatedAt: row.updatedAt }];
        }),
      );
    },

    /** Saves (or replaces) the key; a fresh IV every time. */
    async save(userId: string, endpointId: string, apiKey: string): Promise<UserKeySummary> {
      const encrypted = cipher.encrypt(apiKey, { userId, endpointId });
      const hint = keyHint(apiKey);
      const now = new Date();
      const [row] = await db
        .insert(userProviderKeys)
        .values({ userId, endpointId, encrypted, hint, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [userProviderKeys.userId, userProviderKeys.endpointId],
          set: { encrypted, hint, updatedAt: now },
        })
        .returning({ updatedAt: userProviderKeys.updatedAt });
      return { status: 'set', hint: hint || null, updatedAt: row!.updatedAt };
    },

    async remove(userId: string, endpointId: string): Promise<boolean> {
      const deleted = await db
        .delete(userProviderKeys)
        .where(ownedBy({ userId, endpointId }))
        .returning({ endpointId: userProviderKeys.endpointId });
      return deleted.length > 0;
    },
  };
}

export type UserKeyStore = ReturnType<typeof createUserKeyStore>;
