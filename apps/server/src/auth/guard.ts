import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fromNodeHeaders } from 'better-auth/node';
import type { ApiKeyScope } from '@tessera/shared';
import { AppError } from '../http/errors.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { Auth } from './auth.ts';
import type { AuthUser } from './user.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    /** The scope of the API key the request was authenticated with; null for a session. */
    apiKeyScope: ApiKeyScope | null;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<AuthUser | null>;
  }
}

/** Resolves the request's user from `Authorization: Bearer <api key>` or the session cookie. */
export const authGuard = fp<{ auth: Auth; apiKeys: ApiKeyService }>(
  async (app: FastifyInstance, { auth, apiKeys }) => {
    app.decorateRequest('user', null);
    app.decorateRequest('apiKeyScope', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const authorization = request.headers.authorization;
      if (authorization?.toLowerCase().startsWith('bearer ')) {
        const verified = await apiKeys.verify(authorization.slice(7).trim());
        request.apiKeyScope = verified?.scope ?? null;
        return verified?.user ?? null;
      }
      const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
      if (!session) return null;
      const { id, email, name, role } = session.user;
      return { id, email, name, role: role === 'admin' ? 'admin' : 'user' };
    });
  },
  { name: 'auth-guard' },
);

/** A session or an API key of any scope: for the routes a chat client needs (the model list). */
export async function requireChatAccess(this: FastifyInstance, request: FastifyRequest) {
  request.user = await this.authenticate(request);
  if (!request.user) throw new AppError('UNAUTHORIZED', 'Sign in or send a valid API key');
}

/** A session or a `full` API key. */
export async function requireUser(this: FastifyInstance, request: FastifyRequest) {
  await requireChatAccess.call(this, request);
  if (request.apiKeyScope === 'chat') {
    throw new AppError(
      'API_KEY_SCOPE',
      'This API key has the chat scope: it works on /v1 and GET /api/models only; create a full key for this route',
      { scope: 'chat' },
    );
  }
}

export async function requireAdmin(this: FastifyInstance, request: FastifyRequest) {
  await requireUser.call(this, request);
  if (request.user!.role !== 'admin') throw new AppError('FORBIDDEN', 'Administrators only');
}
