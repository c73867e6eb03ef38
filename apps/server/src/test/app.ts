import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../app.ts';
import { configSchema, type ConfigInput } from '../config/schema.ts';
import { openDatabase, type Database } from '../db/client.ts';
import type { TestDatabase } from './databases.ts';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters';
/** The origin of the app's pages under the default public URL: what a browser sends, whatever port a test listens on. */
export const PAGE_ORIGIN = 'http://localhost:3080';

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  close(): Promise<void>;
}

/** A fresh migrated database for one suite; `close` also drops it. */
export async function openTestDatabase(db: TestDatabase): Promise<{ database: Database; close(): Promise<void> }> {
  const created = await db.create();
  const database = await openDatabase(created.target);
  await database.migrate();
  return {
    database,
    async close() {
      await database.close();
      await created.drop();
    },
  };
}

/**
 * Suites sign up many users from one address; the sign-up limit's own tests set the product default.
 * Nothing else differs from the product's defaults.
 */
const TEST_SIGN_UP_LIMIT = { max: 10_000, windowSeconds: 3600 };

/** A migrated database and the app on it, in-process. */
export async function startTestApp(
  db: TestDatabase,
  config: ConfigInput = {},
  extra: Partial<AppOptions> = {},
): Promise<TestApp> {
  const { database, close } = await openTestDatabase(db);
  const app = await buildApp({
    config: configSchema.parse({
      log: { level: 'silent' },
      ...config,
      auth: { signUpLimitPerIp: TEST_SIGN_UP_LIMIT, ...config.auth },
    }),
    database,
    secret: TEST_SECRET,
    web: null,
    ...extra,
  });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await close();
    },
  };
}

let counter = 0;
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

/** Cookie jar of one browser: keeps the session cookie between requests. */
export class Client {
  private cookies = new Map<string, string>();
  constructor(
    private app: FastifyInstance,
    private ip = '10.0.0.1',
  ) {}

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = this.cookieHeader();
    const response = await this.app.inject({
      remoteAddress: this.ip,
      ...options,
      headers: { origin: PAGE_ORIGIN, ...(cookie ? { cookie } : {}), ...options.headers },
    });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number }[]) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return response;
  }

  signUp(email: string, password = 'correct horse battery', name = 'Test User') {
    return this.request({ method: 'POST', url: '/api/auth/sign-up/email', payload: { email, password, name } });
  }

  signIn(email: string, password = 'correct horse battery') {
    return this.request({ method: 'POST', url: '/api/auth/sign-in/email', payload: { email, password } });
  }

  signOut() {
    return this.request({ method: 'POST', url: '/api/auth/sign-out', payload: {} });
  }

  me() {
    return this.request({ method: 'GET', url: '/api/me' });
  }
}
