import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, CLIENT_ERROR_CODES, request } from './api.ts';

function answer(status: number, body: string | undefined, headers: Record<string, string> = {}) {
  const fetchMock = vi.fn(async () => new Response(body ?? null, { status, headers }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('request', () => {
  it('returns the JSON body as the server sent it (the server already checked it against the shared schema)', async () => {
    const body = { items: [{ id: 'c1', extra: true }], nextCursor: null };
    const fetchMock = answer(200, JSON.stringify(body), { 'content-type': 'application/json' });
    await expect(request<typeof body>('/api/conversations')).resolves.toEqual(body);
    expect(fetchMock).toHaveBeenCalledWith('/api/conversations', {
      method: 'GET',
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
  });

  it('returns undefined for an empty answer', async () => {
    answer(204, undefined);
    await expect(request('/api/keys/k1', { method: 'DELETE' })).resolves.toBeUndefined();
  });

  it('sends a body as JSON, with POST unless told otherwise', async () => {
    const fetchMock = answer(200, JSON.stringify({ success: true }));
    await request('/api/auth/sign-out', { body: {} });
    expect(fetchMock).toHaveBeenCalledWith('/api/auth/sign-out', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: '{}',
    });
  });

  it('turns the shared error body into an ApiError, keeping only well-formed field issues', async () => {
    answer(
      400,
      JSON.stringify({
        error: {
          code: 'VALIDATION_ERROR',
          message: 'name: Name the key',
          fields: [
            { field: 'name', message: 'Name the key', extra: 1 },
            { field: 'scope', message: 'x', code: 'invalid_value', minimum: '1', maximum: 2 },
            { field: 2 },
            'nope',
          ],
        },
      }),
    );
    const error = await failure(request('/api/keys', { body: { name: '' } }));
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', message: 'name: Name the key' });
    expect(error.fields).toEqual([
      { field: 'name', message: 'Name the key' },
      { field: 'scope', message: 'x', code: 'invalid_value', maximum: 2 },
    ]);
  });

  it('keeps the code and message of an error without fields (other keys are allowed)', async () => {
    answer(429, JSON.stringify({ error: { code: 'CLAIM_COOLDOWN', message: 'Wait', remainingMs: 5 } }));
    const error = await failure(request('/api/tokens/claim', { body: {} }));
    expect(error).toMatchObject({ status: 429, code: 'CLAIM_COOLDOWN', message: 'Wait', fields: [] });
    expect(error.details).toEqual({ remainingMs: 5 });
  });

  it.each([
    ['not JSON', '<html>Bad gateway</html>'],
    ['empty', undefined],
    ['no error object', JSON.stringify({ message: 'x' })],
    ['an error array', JSON.stringify({ error: [] })],
    ['a code that is not a string', JSON.stringify({ error: { code: 1, message: 'x' } })],
    ['no message', JSON.stringify({ error: { code: 'X' } })],
  ])('answers BAD_RESPONSE for an error body that is %s', async (_, body) => {
    answer(502, body);
    const error = await failure(request('/api/balance'));
    expect(error).toMatchObject({ status: 502, code: CLIENT_ERROR_CODES.badResponse, message: '', fields: [] });
  });

  it('answers BAD_RESPONSE for a successful answer that is not JSON (not from the API)', async () => {
    answer(200, '<!doctype html><html></html>', { 'content-type': 'text/html' });
    const error = await failure(request('/api/balance'));
    expect(error).toMatchObject({ status: 200, code: CLIENT_ERROR_CODES.badResponse });
  });

  it('answers NETWORK_ERROR when fetch fails, and rethrows an abort', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const error = await failure(request('/api/balance'));
    expect(error).toMatchObject({ status: 0, code: CLIENT_ERROR_CODES.network });

    const controller = new AbortController();
    const abort = new DOMException('aborted', 'AbortError');
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        controller.abort();
        throw abort;
      }),
    );
    await expect(request('/api/balance', { signal: controller.signal })).rejects.toBe(abort);
  });
});
