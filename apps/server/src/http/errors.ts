import { ERROR_STATUS, type ErrorCode, type ErrorFields, type FieldIssue } from '@tessera/shared';
import { STATUS_CODES as HTTP_STATUS_TEXT } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ZodError } from 'zod';

/** The details argument for a code: required when its ErrorFields entry has a required field. */
type DetailsFor<C extends ErrorCode> =
  Record<never, never> extends ErrorFields[C] ? [details?: ErrorFields[C]] : [details: ErrorFields[C]];

/**
 * An error the client is meant to see: a code from the shared list, an English message (for API clients
 * and logs), and the structured fields that code carries (ErrorFields in @tessera/shared), which the web
 * words the error from.
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(
    readonly code: C,
    message: string,
    ...[details]: DetailsFor<C>
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
    this.details = details ?? {};
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
) {
  return reply
    .status(status)
    .type('application/json')
    .send({ error: { code, message, ...details } });
}

/** The parts of a zod issue a client words a field problem from (zod's own, or fastify-type-provider-zod's params). */
interface IssueFacts {
  code?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  format?: unknown;
}

/** A field issue with the structured facts of its zod issue: code, bounds, what they bound, format. */
export function fieldIssue(field: string, message: string, facts: IssueFacts = {}): FieldIssue {
  const issue: FieldIssue = { field, message };
  if (typeof facts.code === 'string') issue.code = facts.code;
  const minimum = Number(facts.minimum);
  const maximum = Number(facts.maximum);
  if (facts.minimum !== undefined && Number.isFinite(minimum)) issue.minimum = minimum;
  if (facts.maximum !== undefined && Number.isFinite(maximum)) issue.maximum = maximum;
  if (typeof facts.origin === 'string') issue.origin = facts.origin;
  if (typeof facts.format === 'string') issue.format = facts.format;
  return issue;
}

export function zodFields(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => fieldIssue(issue.path.join('.') || '(body)', issue.message, issue));
}

export function validationError(fields: FieldIssue[]): AppError {
  const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new AppError('VALIDATION_ERROR', message, { fields });
}

const DEPENDENCY_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P03',
]);

/** A database or cache that cannot be reached: the client should retry later (503), nothing is their fault. */
export function isDependencyDown(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (typeof e.code === 'string' && (DEPENDENCY_DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
    if (
      typeof e.message === 'string' &&
      /connection terminated|PGlite is closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(
        e.message,
      )
    ) {
      return true;
    }
  }
  return false;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_ERROR',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

/** The shared code for a client-error status that came without one (from Fastify, or better-auth). */
export function codeForStatus(status: number): ErrorCode {
  return STATUS_CODES[status] ?? 'VALIDATION_ERROR';
}

/** Turns every thrown error into the one error shape, with the right status; never leaks internals. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) return sendError(reply, error.status, error.code, error.message, error.details);

    if (hasZodFastifySchemaValidationErrors(error)) {
      const fields = error.validation.map((issue) =>
        fieldIssue(
          [
            error.validationContext === 'body' ? '' : error.validationContext,
            issue.instancePath.slice(1).replaceAll('/', '.'),
          ]
            .filter(Boolean)
            .join('.') ||
            (error.validationContext ?? 'body'),
          issue.message ?? 'is invalid',
          { code: issue.keyword, ...issue.params },
        ),
      );
      const e = validationError(fields);
      return sendError(reply, 400, e.code, e.message, e.details);
    }

    const fastifyCode = error.code && FASTIFY_CODES[error.code];
    if (fastifyCode === 'PAYLOAD_TOO_LARGE') {
      return sendError(reply, 413, fastifyCode, error.message, { limit: request.routeOptions.bodyLimit });
    }
    if (fastifyCode) return sendError(reply, ERROR_STATUS[fastifyCode], fastifyCode, error.message);

    if (isDependencyDown(error)) {
      request.log.error({ err: error }, 'dependency unavailable');
      return sendError(
        reply,
        503,
        'SERVICE_UNAVAILABLE',
        'A service Tessera depends on is unavailable; try again shortly',
      );
    }

    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, codeForStatus(status), error.message);
    request.log.error({ err: error }, 'unhandled error');
    return sendError(reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side');
  });
}

/** Errors Fastify raises before routing (a malformed percent-escape, an over-long path parameter). */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendError(reply, 414, 'URI_TOO_LONG', 'A path parameter is longer than any id this server issues');
  }
  return sendError(reply, 400, 'VALIDATION_ERROR', 'The URL is not validly encoded');
}

const CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' },
};

/** Requests Node's HTTP parser refuses (a lying Content-Length, a bad header): answered in the one error shape. */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    code: 'VALIDATION_ERROR' as const,
    message: 'The request is not valid HTTP',
  };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${HTTP_STATUS_TEXT[known.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
