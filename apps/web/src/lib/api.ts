import type { FieldIssue } from '@tessera/shared';

/**
 * Codes the client itself produces when no JSON error body is available.
 * Everything else comes from the server's `{ error: { code, message } }` body.
 */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
} as const;

/**
 * Any failed API call. `message` is the server's English message, for logs: the UI words an error from
 * `code`, `fields` and `details` (lib/error-text.ts), never from `message`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];
  /** The error body's other fields (ErrorFields in @tessera/shared: balance, retryAfterSeconds, limit…). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: FieldIssue[];
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
    this.details = init.details ?? {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** A body that is not JSON (an HTML page from a proxy, a cut-off response). */
const NOT_JSON = Symbol('not JSON');

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ field, message }`, both strings, with the facts of its problem when well-typed; anything else is dropped. */
function toFieldIssue(value: unknown): FieldIssue[] {
  if (!isRecord(value) || typeof value.field !== 'string' || typeof value.message !== 'string') return [];
  const issue: FieldIssue = { field: value.field, message: value.message };
  for (const key of ['code', 'origin', 'format'] as const) {
    if (typeof value[key] === 'string') issue[key] = value[key];
  }
  for (const key of ['minimum', 'maximum'] as const) {
    if (typeof value[key] === 'number') issue[key] = value[key];
  }
  return [issue];
}

/** Reads the shared error shape `{ error: { code, message, fields? } }` (a hand check: no zod in the first load). */
function toApiError(status: number, payload: unknown): ApiError {
  const error = isRecord(payload) ? payload.error : undefined;
  if (!isRecord(error) || typeof error.code !== 'string' || typeof error.message !== 'string') {
    return new ApiError({ status, code: CLIENT_ERROR_CODES.badResponse, message: '' });
  }
  const { code, message, fields, ...details } = error;
  const issues = Array.isArray(fields) ? fields.flatMap(toFieldIssue) : [];
  return new ApiError({ status, code, message, fields: issues, details });
}

/**
 * The one fetch wrapper: same-origin cookies, JSON in and out, typed errors. `T` is the response body's
 * type from @tessera/shared; it is not checked again here, because the server validates and serializes
 * every response with that same shared schema (fastify-type-provider-zod), and parsing it twice would
 * cost time (a long conversation) and put zod in the first load.
 */
export async function request<T = undefined>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, signal } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: '' });
  }

  const payload = await readJson(response);
  if (!response.ok) throw toApiError(response.status, payload);
  if (payload === NOT_JSON) {
    // A 2xx that is not JSON did not come from the API (e.g. a proxy's HTML page).
    throw new ApiError({ status: response.status, code: CLIENT_ERROR_CODES.badResponse, message: '' });
  }
  return payload as T;
}
