import { APICallError, RetryError } from 'ai';
import { maskSecrets } from '../system/log-redaction.ts';

export interface ReadableError {
  code: string;
  message: string;
}

export class IdleTimeoutError extends Error {
  constructor(seconds: number) {
    super(`The provider sent nothing for ${seconds} s`);
  }
}

/**
 * Turns whatever a provider call threw into a message a user can act on. `userKey`: the call used the
 * user's own key (an `apiKey: user_provided` endpoint), so a rejected key is theirs to fix.
 */
export function describeProviderError(error: unknown, generatedText: boolean, userKey = false): ReadableError {
  if (RetryError.isInstance(error)) return describeProviderError(error.lastError, generatedText, userKey);
  if (error instanceof IdleTimeoutError) {
    return { code: 'PROVIDER_TIMEOUT', message: `${error.message}; the reply was cut off.` };
  }
  const status = APICallError.isInstance(error) ? (error.statusCode ?? 0) : 0;
  if (status === 401 || status === 403) {
    return {
      code: 'PROVIDER_AUTH',
      message: userKey
        ? 'The model provider rejected your API key for this endpoint; check it under Settings → Provider keys.'
        : 'The model provider rejected the API key configured for this endpoint.',
    };
  }
  if (status === 429) {
    return {
      code: 'PROVIDER_RATE_LIMITED',
      message: 'The model provider is rate-limiting requests; try again in a moment.',
    };
  }
  if (status === 400 || status === 404 || status === 422) {
    return {
      code: 'PROVIDER_REJECTED',
      // A provider may quote the server's own key or headers back; the user sees the reason, never those.
      message: `The model provider rejected the request: ${maskSecrets(shorten((error as Error).message))}`,
    };
  }
  if (status >= 500) {
    return { code: 'PROVIDER_ERROR', message: `The model provider had an error (HTTP ${status}); try again.` };
  }
  if (generatedText) {
    return {
      code: 'PROVIDER_STREAM_INTERRUPTED',
      message: 'The connection to the model provider broke off mid-reply; what arrived is kept.',
    };
  }
  return {
    code: 'PROVIDER_UNAVAILABLE',
    message: 'Could not reach the model provider; check its address and try again.',
  };
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
