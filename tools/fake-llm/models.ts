import type { IncomingHttpHeaders } from 'node:http';
import { headerValue } from './http.ts';

export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'fake-model'];

const CREATED = 1_700_000_000;

/**
 * Model-list endpoints. GET /v1/models answers in Anthropic's shape when the request carries anthropic-version,
 * otherwise OpenAI's. Returns null when the path is not a model-list endpoint.
 */
export function modelList(
  path: string,
  headers: IncomingHttpHeaders,
  models: readonly string[],
): { status: number; body: unknown } | null {
  if (path === '/v1/models' || path === '/openai/v1/models' || path === '/openai/models') {
    if (headerValue(headers, 'anthropic-version') !== null) {
      const data = models.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: new Date(CREATED * 1000).toISOString(),
      }));
      return {
        status: 200,
        body: { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null },
      };
    }
    return {
      status: 200,
      body: {
        object: 'list',
        data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake-llm' })),
      },
    };
  }
  const single = /^\/v1\/models\/(.+)$/.exec(path);
  if (single) {
    const id = decodeURIComponent(single[1]!);
    return models.includes(id)
      ? { status: 200, body: { id, object: 'model', created: CREATED, owned_by: 'fake-llm' } }
      : {
          status: 404,
          body: {
            error: {
              message: `The model '${id}' does not exist`,
              type: 'invalid_request_error',
              param: 'model',
              code: 'model_not_found',
            },
          },
        };
  }
  if (path === '/v1beta/models') {
    return {
      status: 200,
      body: {
        models: models.map((id) => ({
          name: `models/${id}`,
          version: '001',
          displayName: id,
          inputTokenLimit: 1_048_576,
          outputTokenLimit: 8192,
          supportedGenerationMethods: ['generateContent', 'countTokens'],
        })),
      },
    };
  }
  if (path === '/api/tags') {
    // Ollama's native listing.
    return {
      status: 200,
      body: {
        models: models.map((id) => {
          const name = id.includes(':') ? id : `${id}:latest`;
          return {
            name,
            model: name,
            modified_at: new Date(CREATED * 1000).toISOString(),
            size: 1_000_000,
            digest: '0'.repeat(64),
            details: {
              parent_model: '',
              format: 'gguf',
              family: 'fake',
              families: ['fake'],
              parameter_size: '1B',
              quantization_level: 'Q4_0',
            },
          };
        }),
      },
    };
  }
  return null;
}
