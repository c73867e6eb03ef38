import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromNodeHeaders } from 'better-auth/node';
import type { ErrorCode, FieldIssue } from '@tessera/shared';
import { ERROR_STATUS, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@tessera/shared';
import { type Auth, CLIENT_IP_HEADER } from './auth.ts';
import { codeForStatus, sendError } from '../http/errors.ts';
import type { Database } from '../db/client.ts';

type Facts = Omit<FieldIssue, 'field' | 'message'>;

/** better-auth's error codes, re-expressed in Tessera's error vocabulary (a field's problem as a zod issue would say it). */
const AUTH_ERRORS: Record<string, { code: ErrorCode; field?: string; facts?: Facts }> = {
  INVALID_EMAIL_OR_PASSWORD: { code: 'INVALID_CREDENTIALS' },
  USER_ALREADY_EXISTS: { code: 'EMAIL_TAKEN', field: 'email' },
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: { code: 'EMAIL_TAKEN', field: 'email' },
  // Its minimum is the configured one, filled in below.
  PASSWORD_TOO_SHORT: { code: 'VALIDATION_ERROR', field: 'password', facts: { code: 'too_small', origin: 'string' } },
  PASSWORD_TOO_LONG: {
    code: 'VALIDATION_ERROR',
    field: 'password',
    facts: { code: 'too_big', maximum: PASSWORD_MAX_LENGTH, origin: 'string' },
  },
  INVALID_EMAIL: { code: 'VALIDATION_ERROR', field: 'email', facts: { code: 'invalid_format', format: 'email' } },
  EMAIL_PASSWORD_SIGN_UP_DISABLED: { code: 'REGISTRATION_CLOSED' },
  BANNED_USER: { code: 'FORBIDDEN' },
};

/** Hands a validated request to better-auth and relays its answer, errors in Tessera's shape. */
export async function forwardToAuth(
  {
    auth,
    baseUrl,
    database,
    config,
  }: { auth: Auth; baseUrl: string; database: Database; config?: { auth: { passwordMinLength: number } } },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const headers = fromNodeHeaders(request.headers);
  headers.set(CLIENT_IP_HEADER, request.ip);
  headers.delete('content-length');
  const init: RequestInit = { method: request.method, headers };
  if (request.body != null) {
    // The body as the route's schema parsed it: bounded in shape, without fields Tessera does not accept.
    init.body = JSON.stringify(request.body);
    headers.set('content-type', 'application/json');
  }
  // The route's declared path, not the raw URL: better-auth serves exactly the route Tessera validated.
  const response = await auth.handler(new Request(new URL(request.routeOptions.url!, baseUrl), init));

  const cookies = response.headers.getSetCookie();
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie' && name !== 'content-length') reply.header(name, value);
  }
  if (cookies.length > 0) reply.header('set-cookie', cookies);

  const text = await response.text();
  if (response.status < 400) return reply.status(response.status).send(text === '' ? undefined : text);

  if (response.status >= 500) {
    request.log.error({ status: response.status, body: text.slice(0, 500) }, 'authentication failed on the server');
    const databaseUp = await database.ping().then(
      () => true,
      () => false,
    );
    return databaseUp
      ? sendError(reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side')
      : sendError(reply, 503, 'SERVICE_UNAVAILABLE', 'The database is unavailable; try again shortly');
  }

  let body: { code?: string; message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // better-auth answered without a JSON body; the status alone carries the meaning.
  }
  const mapped = body.code ? AUTH_ERRORS[body.code] : undefined;
  const message = body.message || response.statusText || 'Authentication failed';
  // A code better-auth has that Tessera does not map: the shared code for its status, never a foreign one.
  if (!mapped) return sendError(reply, response.status, codeForStatus(response.status), message);
  const facts =
    body.code === 'PASSWORD_TOO_SHORT'
      ? { ...mapped.facts, minimum: config?.auth.passwordMinLength ?? PASSWORD_MIN_LENGTH }
      : mapped.facts;
  const details = mapped.field ? { fields: [{ field: mapped.field, message, ...facts }] } : {};
  return sendError(reply, ERROR_STATUS[mapped.code], mapped.code, message, details);
}
