import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { admin } from 'better-auth/plugins/admin';
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { accounts, instanceFlags, sessions, users, verifications } from '../db/schema.ts';
import { trustedOrigins } from '../http/origin.ts';
import { maskSecrets, safeError } from '../system/log-redaction.ts';

export const CLIENT_IP_HEADER = 'x-tessera-client-ip';

export interface AuthOptions {
  db: Db;
  config: Config;
  secret: string;
  baseUrl: string;
  /** Where better-auth's own errors go, redacted; without it they are dropped. */
  log?: { error(details: object, message: string): void; warn(details: object, message: string): void };
  /** Runs once for every new account, after the first-admin check. */
  onUserCreated?: (userId: string) => Promise<void>;
}

export function createAuth({ db, config, secret, baseUrl, log, onUserCreated }: AuthOptions) {
  return betterAuth({
    appName: 'Tessera',
    baseURL: baseUrl,
    basePath: '/api/auth',
    secret,
    trustedOrigins: trustedOrigins(baseUrl),
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: config.auth.passwordMinLength,
      maxPasswordLength: 128,
      disableSignUp: !config.auth.allowRegistration,
      autoSignIn: true,
    },
    session: { expiresIn: config.auth.sessionDays * 24 * 60 * 60 },
    // Sign-in limits are enforced per IP and per account by the HTTP layer (see routes.ts).
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // An unexpected failure (the database down) reaches Fastify's error handler: a 503 when a dependency is
    // down, logged redacted. better-auth itself would print it to the console, query parameters and all.
    onAPIError: { throw: true },
    // Its remaining messages go to the app's log, redacted for the same reason.
    logger: {
      level: 'warn',
      disabled: config.log.level === 'silent' || !log,
      log: (level, message, ...args) =>
        log?.[level === 'error' ? 'error' : 'warn'](
          { details: args.map((arg) => safeError(arg)) },
          `better-auth: ${maskSecrets(message)}`,
        ),
    },
    advanced: {
      // Set by the HTTP layer from Fastify's request.ip, which honours server.trustProxy.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    plugins: [admin()],
    databaseHooks: {
      user: {
        create: {
          after: async (user) => {
            await promoteFirstUser(db, user.id);
            await onUserCreated?.(user.id);
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/**
 * The first account created on an installation becomes its admin. The claim is one insert
 * guarded by a primary key, so two simultaneous first sign-ups cannot both win.
 */
export async function promoteFirstUser(db: Db, userId: string): Promise<boolean> {
  const claimed = await db
    .insert(instanceFlags)
    .values({ key: 'first_admin', value: userId })
    .onConflictDoNothing()
    .returning({ key: instanceFlags.key });
  if (claimed.length === 0) return false;
  await db
    .update(users)
    .set({ role: 'admin', updatedAt: sql`now()` })
    .where(eq(users.id, userId));
  return true;
}
