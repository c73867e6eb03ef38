import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthSchema, publicConfigSchema, readySchema } from '@tessera/shared';
import { paymentsConfigured, type Config } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import type { Redis } from 'ioredis';
import { VERSION } from '../version.ts';

export interface SystemRouteDeps {
  config: Config;
  database: Database;
  redis: Redis | null;
}

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function systemRoutes(app: FastifyInstance, { config, database, redis }: SystemRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'The process is up', response: { 200: healthSchema } } },
    async () => ({ status: 'ok' as const }),
  );

  api.get(
    '/api/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Ready to serve: the database (and Redis, when configured) answer',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const [db, cache] = await Promise.all([
        check(() => database.ping()),
        redis ? check(() => redis.ping()) : Promise.resolve(null),
      ]);
      const ready = db && cache !== false;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'unavailable',
        database: db ? 'up' : 'down',
        redis: cache === null ? 'disabled' : cache ? 'up' : 'down',
      });
    },
  );

  api.get(
    '/api/config',
    {
      schema: {
        tags: ['system'],
        summary: 'What the web app needs before sign-in',
        response: { 200: publicConfigSchema },
      },
    },
    async () => ({
      registrationOpen: config.auth.allowRegistration,
      passwordMinLength: config.auth.passwordMinLength,
      version: VERSION,
      payments: paymentsConfigured(config),
    }),
  );
}
