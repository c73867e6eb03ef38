import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  apiKeyListSchema,
  createApiKeySchema,
  createdApiKeySchema,
  errorBodySchema,
  idParamSchema,
  meSchema,
  signInSchema,
  signUpSchema,
} from '@tessera/shared';
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import { AppError } from '../http/errors.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { Auth } from './auth.ts';
import { forwardToAuth } from './forward.ts';
import { requireUser } from './guard.ts';

export interface AuthRouteDeps {
  auth: Auth;
  apiKeys: ApiKeyService;
  config: Config;
  baseUrl: string;
  database: Database;
}

const userResponse = z.object({ user: z.looseObject({ id: z.string(), email: z.string() }) }).loose();

export async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  const { apiKeys, config } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const forward = (request: FastifyRequest, reply: Parameters<typeof forwardToAuth>[2]) =>
    forwardToAuth(deps, request, reply);

  // OAuth providers may post forms back to the callback routes.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  const perIp = app.createRateLimit({
    max: config.auth.signInLimitPerIp.max,
    timeWindow: config.auth.signInLimitPerIp.windowSeconds * 1000,
    keyGenerator: (request) => `sign-in:ip:${request.ip}`,
  });
  const perAccount = app.createRateLimit({
    max: config.auth.signInLimitPerAccount.max,
    timeWindow: config.auth.signInLimitPerAccount.windowSeconds * 1000,
    keyGenerator: (request) => `sign-in:account:${(request.body as { email: string }).email.toLowerCase()}`,
  });
  async function limitSignIn(request: FastifyRequest) {
    for (const [limiter, scope] of [
      [perIp, 'this address'],
      [perAccount, 'this account'],
    ] as const) {
      const result = await limiter(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new AppError(
          'RATE_LIMITED',
          `Too many sign-in attempts for ${scope}; try again in ${result.ttlInSeconds} s`,
          {
            retryAfterSeconds: result.ttlInSeconds,
          },
        );
      }
    }
  }

  api.post(
    '/api/auth/sign-up/email',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account with email and password; sets the session cookie',
        body: signUpSchema,
        response: { 200: userResponse, '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      if (!config.auth.allowRegistration) {
        throw new AppError(
          'REGISTRATION_CLOSED',
          'Registration is closed on this server; ask an administrator for an account',
        );
      }
      return forward(request, reply);
    },
  );

  api.post(
    '/api/auth/sign-in/email',
    {
      preHandler: limitSignIn,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: signInSchema,
        response: { 200: userResponse, '4xx': errorBodySchema },
      },
    },
    (request, reply) => forward(request, reply),
  );

  app.route({
    method: ['GET', 'POST'],
    url: '/api/auth/*',
    schema: { tags: ['auth'], summary: 'Other better-auth routes (sign-out, session, admin…)' },
    handler: (request, reply) => forward(request, reply),
  });

  api.get(
    '/api/me',
    {
      onRequest: requireUser,
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: meSchema, 401: errorBodySchema } },
    },
    async (request) => request.user!,
  );

  api.get(
    '/api/keys',
    {
      onRequest: requireUser,
      schema: { tags: ['api keys'], summary: "The user's API keys", response: { 200: apiKeyListSchema } },
    },
    async (request) => ({ keys: await apiKeys.list(request.user!.id) }),
  );

  api.post(
    '/api/keys',
    {
      onRequest: requireUser,
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key; the key is returned once and stored hashed',
        body: createApiKeySchema,
        response: { 201: createdApiKeySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.create(request.user!.id, request.body.name)),
  );

  api.delete(
    '/api/keys/:id',
    {
      onRequest: requireUser,
      schema: { tags: ['api keys'], summary: 'Revoke an API key', params: idParamSchema },
    },
    async (request, reply) => {
      if (!(await apiKeys.remove(request.user!.id, request.params.id))) {
        throw new AppError('NOT_FOUND', 'No such API key');
      }
      return reply.status(204).send();
    },
  );
}
