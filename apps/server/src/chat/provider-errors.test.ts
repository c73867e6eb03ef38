import { REPLY_ERROR_CODES, replyErrorSchema } from '@tessera/shared';
import { APICallError, RetryError } from 'ai';
import { describe, expect, it } from 'vitest';
import { describeProviderError, IdleTimeoutError, retryAfter } from './provider-errors.ts';

function apiError(statusCode: number | undefined, message = 'failed', responseHeaders?: Record<string, string>) {
  return new APICallError({
    message,
    url: 'https://provider.example/v1/chat/completions',
    requestBodyValues: {},
    statusCode,
    ...(responseHeaders ? { responseHeaders } : {}),
  });
}

describe('describeProviderError', () => {
  it('gives every failure a shared code and fields the schema accepts', () => {
    const failures: [unknown, boolean][] = [
      [apiError(401), false],
      [apiError(429), false],
      [apiError(503), false],
      [new IdleTimeoutError(60), false],
      [new Error('socket hang up'), true],
      [new Error('fetch failed'), false],
      [apiError(400, 'Invalid value for "temperature": must be <= 2'), false],
    ];
    for (const [failure, generated] of failures) {
      const described = describeProviderError(failure, generated);
      expect(REPLY_ERROR_CODES).toContain(described.code);
      expect(replyErrorSchema.strict().parse(described)).toEqual(described);
    }
  });

  it("tells the user's own key from the operator's by a field, keeping the English message", () => {
    expect(describeProviderError(apiError(401), false, true)).toEqual({
      code: 'PROVIDER_AUTH',
      message: 'The model provider rejected your API key for this endpoint; check it under Settings → Provider keys.',
      status: 401,
      userKey: true,
    });
    expect(describeProviderError(apiError(403), false)).toEqual({
      code: 'PROVIDER_AUTH',
      message: 'The model provider rejected the API key configured for this endpoint.',
      status: 403,
    });
  });

  it('carries the HTTP status of a provider failure', () => {
    expect(describeProviderError(apiError(503), false)).toMatchObject({ code: 'PROVIDER_ERROR', status: 503 });
    expect(describeProviderError(apiError(500), true)).toMatchObject({ code: 'PROVIDER_ERROR', status: 500 });
  });

  it('carries how long the provider asked to wait, looking through the retries', () => {
    const limited = apiError(429, 'slow down', { 'retry-after': '17' });
    const described = describeProviderError(
      new RetryError({ message: 'gave up', reason: 'maxRetriesExceeded', errors: [limited, limited] }),
      false,
    );
    expect(described).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', status: 429, retryAfterSeconds: 17 });
    expect(describeProviderError(apiError(429), false)).not.toHaveProperty('retryAfterSeconds');
  });

  it('reads retry-after-ms first, then retry-after as seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfter(apiError(429, 'x', { 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1.5);
    expect(retryAfter(apiError(429, 'x', { 'Retry-After': '2.5' }), now)).toBe(2.5);
    expect(retryAfter(apiError(429, 'x', { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30);
    expect(retryAfter(apiError(429, 'x', { 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfter(apiError(429, 'x', { 'retry-after-ms': '-5' }), now)).toBeUndefined();
  });

  it("keeps the provider's reason for a rejected request as detail, secrets masked and shortened", () => {
    const key = 'sk-proj-Lq7WzR2nXc9VbT4mHs1KdPe6GyJu3AoF';
    const described = describeProviderError(apiError(400, `Bad request with key ${key}: ${'x'.repeat(400)}`), false);
    expect(described).toMatchObject({ code: 'PROVIDER_REJECTED', status: 400 });
    expect(described.detail).toBeDefined();
    expect(described.detail).not.toContain(key);
    expect(described.detail!.length).toBeLessThanOrEqual(301);
    expect(described.message).toBe(`The model provider rejected the request: ${described.detail}`);
    expect(describeProviderError(apiError(404, 'model not found'), false)).toMatchObject({
      code: 'PROVIDER_REJECTED',
      status: 404,
      detail: 'model not found',
    });
  });

  it('carries the idle seconds of a timeout', () => {
    expect(describeProviderError(new IdleTimeoutError(0.5), true, true)).toEqual({
      code: 'PROVIDER_TIMEOUT',
      message: 'The provider sent nothing for 0.5 s; the reply was cut off.',
      idleSeconds: 0.5,
      userKey: true,
    });
  });

  it('tells a broken stream from a provider that cannot be reached; neither has a status', () => {
    expect(describeProviderError(new Error('socket hang up'), true)).toEqual({
      code: 'PROVIDER_STREAM_INTERRUPTED',
      message: 'The connection to the model provider broke off mid-reply; what arrived is kept.',
    });
    expect(describeProviderError(apiError(undefined), false)).toEqual({
      code: 'PROVIDER_UNAVAILABLE',
      message: 'Could not reach the model provider; check its address and try again.',
    });
  });
});
