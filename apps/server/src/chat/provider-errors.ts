import type { ReplyError } from '@tessera/shared';
import { APICallError, RetryError } from 'ai';
import { maskSecrets } from '../system/log-redaction.ts';

/** Kept for callers that name the old type: a reply error is now the shared ReplyError. */
export type ReadableError = ReplyError;

export class IdleTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`The provider sent nothing for ${seconds} s`);
  }
}

/**
 * Turns whatever a provider call threw into a reply error: a code from REPLY_ERROR_CODES and the fields
 * the web words it from (status, retryAfterSeconds, detail, userKey, idleSeconds), with an English
 * `message` for API clients and logs. `userKey`: the call used the user's own key (an
 * `apiKey: user_provided` endpoint), so a rejected key is theirs to fix.
 */
export function describeProviderError(error: unknown, generatedText: boolean, userKey = false): ReplyError {
  if (RetryError.isInstance(error)) return describeProviderError(error.lastError, generatedText, userKey);
  const own = userKey ? { userKey: true } : {};
  if (error instanceof IdleTimeoutError) {
    return {
      code: 'PROVIDER_TIMEOUT',
      message: `${error.message}; the reply was cut off.`,
      idleSeconds: error.seconds,
      ...own,
    };
  }
  const status = APICallError.isInstance(error) ? (error.statusCode ?? 0) : 0;
  const answered = status > 0 ? { status, ...own } : own;
  if (status === 401 || status === 403) {
    return {
      code: 'PROVIDER_AUTH',
      message: userKey
        ? 'The model provider rejected your API key for this endpoint; check it under Settings → Provider keys.'
        : 'The model provider rejected the API key configured for this endpoint.',
      ...answered,
    };
  }
  if (status === 429) {
    const retryAfterSeconds = retryAfter(error as APICallError);
    return {
      code: 'PROVIDER_RATE_LIMITED',
      message: 'The model provider is rate-limiting requests; try again in a moment.',
      ...answered,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  }
  if (status === 400 || status === 404 || status === 422) {
    // A provider may quote the server's own key or headers back; the user sees the reason, never those.
    const detail = maskSecrets(shorten((error as Error).message));
    return {
      code: 'PROVIDER_REJECTED',
      message: `The model provider rejected the request: ${detail}`,
      ...answered,
      ...(detail ? { detail } : {}),
    };
  }
  if (status >= 500) {
    return {
      code: 'PROVIDER_ERROR',
      message: `The model provider had an error (HTTP ${status}); try again.`,
      ...answered,
    };
  }
  if (generatedText) {
    return {
      code: 'PROVIDER_STREAM_INTERRUPTED',
      message: 'The connection to the model provider broke off mid-reply; what arrived is kept.',
      ...answered,
    };
  }
  return {
    code: 'PROVIDER_UNAVAILABLE',
    message: 'Could not reach the model provider; check its address and try again.',
    ...answered,
  };
}

/**
 * Seconds the provider asked to wait: `retry-after-ms` (OpenAI's), else `retry-after` as seconds or as
 * an HTTP date. Undefined when it gave neither, or nothing sensible (negative, not a number).
 */
export function retryAfter(error: APICallError, now = Date.now()): number | undefined {
  const headers = Object.fromEntries(
    Object.entries(error.responseHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const ms = Number.parseFloat(headers['retry-after-ms'] ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms / 1000;
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
