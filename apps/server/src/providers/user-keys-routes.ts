import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  errorBodySchema,
  providerKeyListSchema,
  providerKeyParamsSchema,
  providerKeySchema,
  putProviderKeySchema,
  type ProviderKey,
} from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
import { AppError } from '../http/errors.ts';
import type { ProviderRegistry } from './registry.ts';
import { endpointBilling, type UserKeyStore, type UserKeySummary } from './user-keys.ts';
import type { EndpointConfig } from '../config/schema.ts';

export interface ProviderKeyRouteDeps {
  /** Where the keys are saved: the same store the provider registry reads them from when it calls a model. */
  userKeys: UserKeyStore;
  /** Which endpoints take a user's own key. */
  providers: ProviderRegistry;
}

function toProviderKey(endpoint: EndpointConfig, summary: UserKeySummary | undefined): ProviderKey {
  const status = summary?.status ?? 'none';
  return {
    endpointId: endpoint.id,
    name: endpoint.name ?? endpoint.id,
    kind: endpoint.kind,
    billing: endpointBilling(endpoint),
    hasKey: status === 'set',
    status,
    hint: summary?.hint ?? null,
    updatedAt: summary?.updatedAt?.toISOString() ?? null,
  };
}

/**
 * `/api/provider-keys`: each user's own keys for the endpoints configured with `apiKey: user_provided`.
 * Keys go in, only their last characters come out.
 */
export async function providerKeyRoutes(app: FastifyInstance, { userKeys: store, providers }: ProviderKeyRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['provider keys'];

  const userProvided = (endpointId: string): EndpointConfig => {
    const endpoint = providers.userProvidedEndpoints().find((e) => e.id === endpointId);
    if (!endpoint) throw new AppError('NOT_FOUND', `No endpoint ${endpointId} takes your own API key`);
    return endpoint;
  };

  api.get(
    '/api/provider-keys',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Endpoints that take your own API key, and whether you saved one',
        response: { 200: providerKeyListSchema },
      },
    },
    async (request) => {
      const saved = await store.summaries(request.user!.id);
      return { keys: providers.userProvidedEndpoints().map((e) => toProviderKey(e, saved.get(e.id))) };
    },
  );

  api.put(
    '/api/provider-keys/:endpointId',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Save (or replace) your API key for an endpoint; it is stored encrypted and never shown again',
        params: providerKeyParamsSchema,
        body: putProviderKeySchema,
        response: { 200: providerKeySchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const endpoint = userProvided(request.params.endpointId);
      return toProviderKey(endpoint, await store.save(request.user!.id, endpoint.id, request.body.apiKey));
    },
  );

  api.delete(
    '/api/provider-keys/:endpointId',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Forget your API key for an endpoint',
        params: providerKeyParamsSchema,
      },
    },
    async (request, reply) => {
      const endpoint = userProvided(request.params.endpointId);
      await store.remove(request.user!.id, endpoint.id);
      return reply.status(204).send();
    },
  );
}
