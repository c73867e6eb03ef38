import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorReply, Exchange, Protocol } from './http.ts';
import type { ReplyLimits } from './reply.ts';

export interface ErrorInfo {
  /** Overrides the provider's canned message (used for request-validation errors). */
  message?: string;
  /** The key the client sent (bad-key errors quote it, like the real APIs do). */
  apiKey?: string | null;
  /** True when no credentials were sent at all. */
  missingKey?: boolean;
  model: string;
  retryAfter: number;
  /** Azure: the api-version query parameter. */
  apiVersion?: string | null;
}

/** One chat wire protocol: how to read a request and how to answer it. */
export interface ChatProtocol {
  protocol: Protocol;
  /** The credential the client sent: API key, bearer token or SigV4 access key id. */
  apiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | null;
  /** Whether a request without credentials is rejected (the real API's missing-key error). */
  requireKey: boolean;
  /** All prompt texts (for the prompt-token count) and the text of the last user message (for directives). */
  prompt(body: Record<string, unknown>): { all: string[]; lastUser: string };
  limits(body: Record<string, unknown>): ReplyLimits;
  /** Request checks the real API makes before generating (returns the message of a 400, or null). */
  validate(body: Record<string, unknown>, headers: IncomingHttpHeaders): string | null;
  error(status: number, info: ErrorInfo): ErrorReply;
  respond(ex: Exchange): Promise<void>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function asStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

/** The last element of `messages` whose role is `role`. */
export function lastWithRole(messages: unknown, role: string): Record<string, unknown> | undefined {
  return asArray(messages)
    .filter(isRecord)
    .findLast((m) => m.role === role);
}
