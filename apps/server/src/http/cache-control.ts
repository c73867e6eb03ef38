import type { FastifyInstance } from 'fastify';

const API = /^\/(api|v1|metrics)(\/|\?|$)/;

/**
 * API answers belong to the account that asked (balances, conversations, the CSV export): no browser
 * history or shared cache may keep them. A route that chose its own caching keeps it; static assets
 * (immutable) and index.html (no-cache) are outside these prefixes.
 */
export function noStoreApi(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control') && API.test(request.url)) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
