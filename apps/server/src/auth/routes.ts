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
  updateUserSchema,
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

type Limit = (request: FastifyRequest) => Promise<void>;

/** A request limit per key (in Redis when configured) that answers 429 RATE_LIMITED in the error shape. */
function rateLimit(
  app: FastifyInstance,
  { max, windowSeconds }: { max: number; windowSeconds: number },
  keyGenerator: (request: FastifyRequest) => string,
  what: string,
): Limit {
  const limiter = app.createRateLimit({ max, timeWindow: windowSeconds * 1000, keyGenerator });
  return async (request) => {
    const result = await limiter(request);
    if (!result.isAllowed && result.isExceeded) {
      throw new AppError('RATE_LIMITED', `Too many ${what}; try again in ${result.ttlInSeconds} s`, {
        retryAfterSeconds: result.ttlInSeconds,
      });
    }
  };
}

/**
 * Only the better-auth routes declared here are reachable, each with its own schema and limits; the
 * rest of better-auth's API (admin, sessions, password changes…) answers 404 until Tessera uses it.
 */
export async function authRoutes(app: FastifyInstance, deps: AuthRouteDeps) {
  const { apiKeys, config } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const forward = (request: FastifyRequest, reply: Parameters<typeof forwardToAuth>[2]) =>
    forwardToAuth(deps, request, reply);

  const signInPerIp = rateLimit(
    app,
    config.auth.signInLimitPerIp,
    (request) => `sign-in:ip:${request.ip}`,
    'sign-in attempts for this address',
  );
  const signInPerAccount = rateLimit(
    app,
    config.auth.signInLimitPerAccount,
    (request) => `sign-in:account:${(request.body as { email: string }).email.toLowerCase()}`,
    'sign-in attempts for this account',
  );
  const keyCreationPerUser = rateLimit(
    app,
    config.auth.apiKeyCreateLimitPerUser,
    (request) => `api-key:user:${request.user!.id}`,
    'API keys created',
  );
  const signUpPerIp = rateLimit(
    app,
    config.auth.signUpLimitPerIp,
    (request) => `sign-up:ip:${request.ip}`,
    'accounts created from this address',
  );

  api.post(
    '/api/auth/sign-up/email',
    {
      preHandler: signUpPerIp,
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
      preHandler: [signInPerIp, signInPerAccount],
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: signInSchema,
        response: { 200: userResponse, '4xx': errorBodySchema },
      },
    },
    (request, reply) => forward(request, reply),
  );

  api.post(
    '/api/auth/sign-out',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out; clears the session cookie',
        body: z.strictObject({}).nullish(),
        response: { 200: z.object({ success: z.boolean() }), '4xx': errorBodySchema },
      },
    },
    (request, reply) => forward(request, reply),
  );

  api.post(
    '/api/auth/update-user',
    {
      onRequest: requireUser,
      schema: {
        tags: ['auth'],
        summary: "Change the signed-in user's name (needs the session cookie)",
        body: updateUserSchema,
        response: { 200: z.object({ status: z.boolean() }), '4xx': errorBodySchema },
      },
    },
    (request, reply) => forward(request, reply),
  );

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
      preHandler: keyCreationPerUser,
      schema: {
        tags: ['api keys'],
        summary:
          'Create an API key (scope `chat`: /v1 and GET /api/models; `full`: every route); returned once, stored hashed',
        body: createApiKeySchema,
        response: { 201: createdApiKeySchema, '4xx': errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.create(request.user!.id, request.body)),
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
