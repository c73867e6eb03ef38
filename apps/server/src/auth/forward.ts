import type { FastifyReply, FastifyRequest } from 'fastify';
import { fromNodeHeaders } from 'better-auth/node';
import type { ErrorCode } from '@tessera/shared';
import { ERROR_STATUS } from '@tessera/shared';
import { type Auth, CLIENT_IP_HEADER } from './auth.ts';
import { sendError } from '../http/errors.ts';
import type { Database } from '../db/client.ts';

/** better-auth's error codes, re-expressed in Tessera's error vocabulary. */
const AUTH_ERRORS: Record<string, { code: ErrorCode; field?: string }> = {
  INVALID_EMAIL_OR_PASSWORD: { code: 'INVALID_CREDENTIALS' },
  USER_ALREADY_EXISTS: { code: 'EMAIL_TAKEN', field: 'email' },
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: { code: 'EMAIL_TAKEN', field: 'email' },
  PASSWORD_TOO_SHORT: { code: 'VALIDATION_ERROR', field: 'password' },
  PASSWORD_TOO_LONG: { code: 'VALIDATION_ERROR', field: 'password' },
  INVALID_EMAIL: { code: 'VALIDATION_ERROR', field: 'email' },
  EMAIL_PASSWORD_SIGN_UP_DISABLED: { code: 'REGISTRATION_CLOSED' },
  BANNED_USER: { code: 'FORBIDDEN' },
};

/** Hands a validated request to better-auth and relays its answer, errors in Tessera's shape. */
export async function forwardToAuth(
  { auth, baseUrl, database }: { auth: Auth; baseUrl: string; database: Database },
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
  if (!mapped) return sendError(reply, response.status, body.code ?? 'AUTH_ERROR', message);
  const details = mapped.field ? { fields: [{ field: mapped.field, message }] } : {};
  return sendError(reply, ERROR_STATUS[mapped.code], mapped.code, message, details);
}
