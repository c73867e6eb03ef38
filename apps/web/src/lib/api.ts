import { errorBodySchema, fieldIssueSchema, type FieldIssue } from '@tessera/shared';

/**
 * Codes the client itself produces when no JSON error body is available.
 * Everything else comes from the server's `{ error: { code, message } }` body.
 */
export const CLIENT_ERROR_CODES = {
  network: 'NETWORK_ERROR',
  badResponse: 'BAD_RESPONSE',
} as const;

/** Any failed API call. `message` is the server's (English) message, never a raw HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldIssue[];

  constructor(init: { status: number; code: string; message: string; fields?: FieldIssue[] }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? [];
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Anything with a zod-like `parse`; keeps this module free of a direct zod import. */
export interface Parser<T> {
  parse(data: unknown): T;
}

export interface RequestOptions<T> {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Validates the successful response body; omit for empty responses (204). */
  schema?: Parser<T>;
  signal?: AbortSignal;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(payload);
  if (!parsed.success) {
    return new ApiError({ status, code: CLIENT_ERROR_CODES.badResponse, message: '' });
  }
  const { code, message, fields } = parsed.data.error;
  const issues = Array.isArray(fields)
    ? fields.flatMap((f) => {
        const issue = fieldIssueSchema.safeParse(f);
        return issue.success ? [issue.data] : [];
      })
    : [];
  return new ApiError({ status, code, message, fields: issues });
}

/** The one fetch wrapper: same-origin cookies, JSON in and out, typed errors. */
export async function request<T = undefined>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, schema, signal } = options;
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
  if (!schema) return undefined as T;
  try {
    return schema.parse(payload);
  } catch {
    // The server answered 2xx with a body that does not match the shared contract.
    throw new ApiError({ status: response.status, code: CLIENT_ERROR_CODES.badResponse, message: '' });
  }
}
