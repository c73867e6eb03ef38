import type { FastifyInstance } from 'fastify';
import { buildApp } from '../apps/server/src/app.ts';
import type { Config } from '../apps/server/src/config/schema.ts';
import type { Database } from '../apps/server/src/db/client.ts';

/** The origin of the app's pages under the default public URL. */
export const PAGE_ORIGIN = 'http://localhost:3080';

/** The app in-process on a migrated database, with one signed-up user and the headers of their browser. */
export async function signedInApp(
  database: Database,
  config: Config,
  email: string,
): Promise<{ app: FastifyInstance; headers: { cookie: string; origin: string } }> {
  const app = await buildApp({
    config,
    database,
    secret: 'bench-secret-that-is-long-enough-000000',
    web: null,
    env: {},
  });
  const signUp = await app.inject({
    method: 'POST',
    url: '/api/auth/sign-up/email',
    headers: { origin: PAGE_ORIGIN },
    payload: { email, password: 'bench password', name: 'Bench' },
  });
  const cookie = signUp.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return { app, headers: { cookie, origin: PAGE_ORIGIN } };
}
