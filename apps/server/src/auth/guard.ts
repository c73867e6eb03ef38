import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fromNodeHeaders } from 'better-auth/node';
import { AppError } from '../http/errors.ts';
import type { ApiKeyService } from './api-keys.ts';
import type { Auth } from './auth.ts';
import type { AuthUser } from './user.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
  interface FastifyInstance {
    authenticate(request: FastifyRequest): Promise<AuthUser | null>;
  }
}

/** Resolves the request's user from `Authorization: Bearer <api key>` or the session cookie. */
export const authGuard = fp<{ auth: Auth; apiKeys: ApiKeyService }>(
  async (app: FastifyInstance, { auth, apiKeys }) => {
    app.decorateRequest('user', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const authorization = request.headers.authorization;
      if (authorization?.toLowerCase().startsWith('bearer ')) {
        return apiKeys.verify(authorization.slice(7).trim());
      }
      const session = await auth.api.getSession({ headers: fromNodeHeaders(request.headers) });
      if (!session) return null;
      const { id, email, name, role } = session.user;
      return { id, email, name, role: role === 'admin' ? 'admin' : 'user' };
    });
  },
  { name: 'auth-guard' },
);

export async function requireUser(this: FastifyInstance, request: FastifyRequest) {
  request.user = await this.authenticate(request);
  if (!request.user) throw new AppError('UNAUTHORIZED', 'Sign in or send a valid API key');
}

export async function requireAdmin(this: FastifyInstance, request: FastifyRequest) {
  await requireUser.call(this, request);
  if (request.user!.role !== 'admin') throw new AppError('FORBIDDEN', 'Administrators only');
}
