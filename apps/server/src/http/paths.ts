import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.ts';

/**
 * A `.` or `..` segment, an encoded dot, slash or backslash, or a backslash. The router matches such
 * a path literally, while URL parsers (and so better-auth) resolve it to another path: one request
 * could pass a route's limits and schema as one path and be served as another.
 */
const AMBIGUOUS_PATH = /(?:^|\/)\.{1,2}(?:\/|$)|%2e|%2f|%5c|\\/i;

export function isAmbiguousPath(url: string): boolean {
  const queryStart = url.indexOf('?');
  return AMBIGUOUS_PATH.test(queryStart === -1 ? url : url.slice(0, queryStart));
}

async function rejectAmbiguousPath(request: FastifyRequest) {
  if (isAmbiguousPath(request.url)) {
    const message = 'The path may not contain . or .. segments, backslashes, or encoded dots or slashes';
    throw new AppError('VALIDATION_ERROR', message, { fields: [{ field: 'path', message, code: 'ambiguous_path' }] });
  }
}

/** Refuses, before routing, any path that means one thing to the router and another to a URL parser. */
export const pathGuard = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', rejectAmbiguousPath);
  },
  { name: 'path-guard' },
);
