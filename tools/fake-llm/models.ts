import type { IncomingHttpHeaders } from 'node:http';
import { anthropic } from './anthropic.ts';
import { gemini } from './gemini.ts';
import type { ErrorReply } from './http.ts';
import { bearer, headerValue } from './http.ts';
import { openaiError } from './openai-errors.ts';

export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'fake-model'];

/** How the model-list endpoints answer (chat directives do not reach them). Live: mutate `fake.modelList`. */
export interface ModelListBehaviour {
  /** Answer every listing with this status and the provider's real error body. */
  fail: number | null;
  /** Wait this long before answering (a slow or hanging host). */
  delayMs: number;
}

export const DEFAULT_MODEL_LIST_BEHAVIOUR: ModelListBehaviour = { fail: null, delayMs: 0 };

const CREATED = 1_700_000_000;

export type ModelListKind = 'openai' | 'anthropic' | 'gemini' | 'ollama';

/** A model-list request recognised by its path (and, on /v1/models, by Anthropic's headers). */
export interface ModelListRequest {
  kind: ModelListKind;
  /** The key the client sent, read where that provider reads it. */
  apiKey: string | null;
  answer(
    models: readonly string[],
    behaviour: ModelListBehaviour,
  ): { status: number; body: unknown; headers?: Record<string, string> };
}

/** Gemini lists embedding and image models too; they do not support generateContent. */
function geminiMethods(id: string): string[] {
  if (id.includes('embedding')) return ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'];
  if (id.startsWith('imagen')) return ['predict'];
  return ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];
}

/** Pages of `models` after `cursor` (an id, or a decimal offset for Gemini's page tokens). */
function page(models: readonly string[], start: number, size: number) {
  const items = models.slice(start, start + size);
  return { items, more: start + size < models.length };
}

const errorOf = (reply: ErrorReply) => ({ status: reply.status, body: reply.body, headers: reply.headers ?? {} });

/**
 * Model-list endpoints, with each provider's real shapes and credential checks:
 * - OpenAI `GET /v1/models` (also Azure's `/openai/models`, `/openai/v1/models`): `{object: 'list', data: [{id, object,
 *   created, owned_by}]}`, key as `Authorization: Bearer` (optional, as on Ollama and other OpenAI-compatible servers).
 * - Anthropic `GET /v1/models` when `anthropic-version` or `x-api-key` is sent: `{data: [{type, id, display_name,
 *   created_at}], has_more, first_id, last_id}`, paged by `limit` (default 20, 1–1000) and `after_id`; needs both
 *   `x-api-key` (401) and `anthropic-version` (400).
 * - Gemini `GET /v1beta/models`: `{models: [{name: 'models/…', version, displayName, inputTokenLimit,
 *   outputTokenLimit, supportedGenerationMethods}], nextPageToken?}`, paged by `pageSize` (default 50, up to 1000) and
 *   `pageToken`; key in `x-goog-api-key` or `?key=` (403 without).
 * - Ollama `GET /api/tags`.
 * The key `bad-key` is refused (401) everywhere. Returns null when the path is not a model-list endpoint.
 */
export function modelListRequest(
  path: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): ModelListRequest | null {
  if (path === '/v1/models' || path === '/openai/v1/models' || path === '/openai/models') {
    const anthropicKey = headerValue(headers, 'x-api-key');
    const version = headerValue(headers, 'anthropic-version');
    if (path === '/v1/models' && (version !== null || anthropicKey !== null)) {
      return {
        kind: 'anthropic',
        apiKey: anthropicKey,
        answer(models, behaviour) {
          const info = { model: '', retryAfter: 1, apiKey: anthropicKey };
          if (anthropicKey === null) return errorOf(anthropic.error(401, { ...info, missingKey: true }));
          if (anthropicKey === 'bad-key') return errorOf(anthropic.error(401, info));
          if (version === null) {
            return errorOf(anthropic.error(400, { ...info, message: 'anthropic-version: header is required' }));
          }
          if (behaviour.fail !== null) return errorOf(anthropic.error(behaviour.fail, info));
          const limit = Number(query.get('limit') ?? 20);
          if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
            return errorOf(
              anthropic.error(400, { ...info, message: 'limit: Input should be less than or equal to 1000' }),
            );
          }
          const after = query.get('after_id');
          const start = after === null ? 0 : models.indexOf(after) + 1;
          const { items, more } = page(models, start, limit);
          const data = items.map((id) => ({
            type: 'model',
            id,
            display_name: id,
            created_at: new Date(CREATED * 1000).toISOString(),
          }));
          return {
            status: 200,
            body: { data, has_more: more, first_id: items[0] ?? null, last_id: items.at(-1) ?? null },
          };
        },
      };
    }
    const key = bearer(headers);
    return {
      kind: 'openai',
      apiKey: key,
      answer(models, behaviour) {
        const info = { model: '', retryAfter: 1, apiKey: key };
        if (key === 'bad-key') return errorOf(openaiError(401, info));
        if (behaviour.fail !== null) return errorOf(openaiError(behaviour.fail, info));
        return {
          status: 200,
          body: {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'fake-llm' })),
          },
        };
      },
    };
  }
  const single = /^\/v1\/models\/(.+)$/.exec(path);
  if (single) {
    const key = bearer(headers);
    return {
      kind: 'openai',
      apiKey: key,
      answer(models) {
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
      },
    };
  }
  if (path === '/v1beta/models') {
    const key = headerValue(headers, 'x-goog-api-key') ?? query.get('key');
    return {
      kind: 'gemini',
      apiKey: key,
      answer(models, behaviour) {
        const info = { model: '', retryAfter: 1, apiKey: key };
        if (key === null) return errorOf(gemini.error(403, { ...info, missingKey: true }));
        if (key === 'bad-key') return errorOf(gemini.error(400, info));
        if (behaviour.fail !== null) return errorOf(gemini.error(behaviour.fail, info));
        const size = Math.min(Number(query.get('pageSize') ?? 50) || 50, 1000);
        const start = Number(query.get('pageToken') ?? 0) || 0;
        const { items, more } = page(models, start, size);
        return {
          status: 200,
          body: {
            models: items.map((id) => ({
              name: `models/${id}`,
              version: '001',
              displayName: id,
              inputTokenLimit: 1_048_576,
              outputTokenLimit: 8192,
              supportedGenerationMethods: geminiMethods(id),
            })),
            ...(more && { nextPageToken: String(start + size) }),
          },
        };
      },
    };
  }
  if (path === '/api/tags') {
    return {
      kind: 'ollama',
      apiKey: null,
      answer(models, behaviour) {
        if (behaviour.fail !== null) return { status: behaviour.fail, body: { error: `fake error ${behaviour.fail}` } };
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
      },
    };
  }
  return null;
}
