import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { sendError } from './errors.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Prometheus text at /metrics: process metrics plus a histogram of requests by route and status.
 * They tell the runtime version, traffic per route and event-loop lag, so only a scraper that presents
 * the bearer token (METRICS_TOKEN) reads them; without a token configured the plugin is not registered.
 */
export const metricsPlugin = fp(async function metrics(app: FastifyInstance, { token }: { token: string }) {
  const expected = digest(`Bearer ${token}`);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const duration = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unknown URLs collapse to one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Compared as digests: equal lengths for timingSafeEqual, and no timing hint of a matching prefix.
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendError(reply, 401, 'UNAUTHORIZED', 'The metrics need the bearer token set in METRICS_TOKEN');
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
});
