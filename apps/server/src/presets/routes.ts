import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createPresetSchema,
  errorBodySchema,
  idParamSchema,
  presetListSchema,
  presetSchema,
  updatePresetSchema,
} from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
import type { Db } from '../db/client.ts';
import { createPresetStore, type PresetStore } from './store.ts';

export interface PresetRouteOptions {
  db: Db;
  /** Defaults to a store on `db` with the product's limit; tests pass their own. */
  store?: PresetStore;
}

/** Saved presets (model + system prompt + parameters) to start new chats from. */
export async function presetRoutes(app: FastifyInstance, options: PresetRouteOptions) {
  const store = options.store ?? createPresetStore(options.db);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['presets'];

  api.get(
    '/api/presets',
    {
      onRequest: requireUser,
      schema: { tags, summary: 'Your presets, most recently changed first', response: { 200: presetListSchema } },
    },
    async (request) => ({ items: await store.list(request.user!.id) }),
  );

  api.post(
    '/api/presets',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Save a preset (409 when you already keep the most allowed)',
        body: createPresetSchema,
        response: { 201: presetSchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await store.create(request.user!.id, request.body)),
  );

  api.patch(
    '/api/presets/:id',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Rename a preset or change its model, system prompt or parameters',
        params: idParamSchema,
        body: updatePresetSchema,
        response: { 200: presetSchema },
      },
    },
    async (request) => store.update(request.user!.id, request.params.id, request.body),
  );

  api.delete(
    '/api/presets/:id',
    { onRequest: requireUser, schema: { tags, summary: 'Delete a preset', params: idParamSchema } },
    async (request, reply) => {
      await store.remove(request.user!.id, request.params.id);
      return reply.status(204).send();
    },
  );
}
