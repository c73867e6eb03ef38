import { randomUUID } from 'node:crypto';
import type { ErrorReply } from './http.ts';
import { randomId } from './http.ts';
import type { ErrorInfo } from './protocol.ts';

/** OpenAI's error body: { error: { message, type, param, code } }, with x-request-id / rate-limit headers. */
export function openaiError(status: number, info: ErrorInfo): ErrorReply {
  const headers: Record<string, string> = { 'x-request-id': randomId('req_', 16) };
  const body = (message: string, type: string, code: string | null = null, param: string | null = null) => ({
    error: { message: info.message ?? message, type, param, code },
  });
  switch (status) {
    case 401: {
      if (info.missingKey) {
        return {
          status,
          headers,
          body: body(
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
            'invalid_request_error',
          ),
        };
      }
      const key = info.apiKey ?? '';
      const masked = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : key;
      return {
        status,
        headers,
        body: body(
          `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          'invalid_request_error',
          'invalid_api_key',
        ),
      };
    }
    case 429:
      return {
        status,
        headers: {
          ...headers,
          'retry-after': String(info.retryAfter),
          'retry-after-ms': String(info.retryAfter * 1000),
          'x-ratelimit-limit-requests': '500',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${info.retryAfter}s`,
        },
        body: body(
          `Rate limit reached for ${info.model} in organization org-fake on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${info.retryAfter}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
          'requests',
          'rate_limit_exceeded',
        ),
      };
    case 500:
      return {
        status,
        headers,
        body: body(
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          'server_error',
        ),
      };
    case 503:
      return {
        status,
        headers: { ...headers, 'retry-after': String(info.retryAfter) },
        body: body('The server is overloaded or not ready yet.', 'server_error'),
      };
    case 404:
      return {
        status,
        headers,
        body: body(
          `The model \`${info.model}\` does not exist or you do not have access to it.`,
          'invalid_request_error',
          'model_not_found',
        ),
      };
    case 403:
      return {
        status,
        headers,
        body: body(
          'Country, region, or territory not supported',
          'request_forbidden',
          'unsupported_country_region_territory',
        ),
      };
    default:
      return { status, headers, body: body(`Fake error ${status}`, 'invalid_request_error') };
  }
}

/** Azure OpenAI's error body: { error: { code: "<status>", message } }, with retry-after / apim-request-id. */
export function azureError(status: number, info: ErrorInfo): ErrorReply {
  const headers: Record<string, string> = {
    'apim-request-id': randomUUID(),
    'x-request-id': randomUUID(),
    'x-ms-region': 'Fake Region',
  };
  const body = (code: string, message: string) => ({ error: { code, message: info.message ?? message } });
  switch (status) {
    case 401:
      return {
        status,
        headers,
        body: body(
          '401',
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        ),
      };
    case 429:
      return {
        status,
        headers: {
          ...headers,
          'retry-after': String(info.retryAfter),
          'retry-after-ms': String(info.retryAfter * 1000),
          'x-ratelimit-remaining-requests': '0',
        },
        body: body(
          '429',
          `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${info.apiVersion ?? 'v1'} have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${info.retryAfter} second${info.retryAfter === 1 ? '' : 's'}. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
        ),
      };
    case 500:
      return {
        status,
        headers,
        body: body(
          'InternalServerError',
          'The service is temporarily unable to process your request. Please try again later.',
        ),
      };
    case 404:
      return { status, headers, body: body('404', 'Resource not found') };
    case 400:
      return { status, headers, body: body('BadRequest', 'Bad request') };
    default:
      return { status, headers, body: body(String(status), `Fake error ${status}`) };
  }
}
