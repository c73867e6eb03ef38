import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.ts';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?better-auth\.session_token=/;
/** Posted to by other sites on purpose: Stripe's signed webhook, identity providers' form_post callbacks. */
const CROSS_SITE_ROUTES = /^\/api\/(?:payments\/webhook|auth\/callback\/)/;

/** The public URL's origin; on a loopback host the other loopback names are the same server. */
export function trustedOrigins(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK.includes(url.hostname)) {
    for (const alias of LOOPBACK) origins.add(`${url.protocol}//${alias}${url.port ? `:${url.port}` : ''}`);
  }
  return [...origins];
}

/**
 * A request that changes state on the strength of the session cookie must come from Tessera's own pages.
 * SameSite=Lax does not cover this: a page on another port of the same host is the same site, so the
 * browser sends the cookie along. API-key requests carry no ambient credential and are exempt.
 */
export function isCrossOrigin(request: FastifyRequest, trusted: ReadonlySet<string>): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  if (/^bearer /i.test(request.headers.authorization ?? '')) return false;
  if (CROSS_SITE_ROUTES.test(request.url)) return false;
  const origin = request.headers.origin;
  if (origin !== undefined) return !trusted.has(origin);
  const cookie = request.headers.cookie;
  if (cookie === undefined || !SESSION_COOKIE.test(cookie)) return false;
  return request.headers['sec-fetch-site'] !== 'same-origin';
}

export const originCheck = fp<{ baseUrl: string }>(
  async (app: FastifyInstance, { baseUrl }) => {
    const trusted = new Set(trustedOrigins(baseUrl));
    app.addHook('onRequest', async (request) => {
      if (isCrossOrigin(request, trusted)) {
        throw new AppError('INVALID_ORIGIN', 'This request must come from a page of this Tessera server', {
          origin: request.headers.origin ?? null,
        });
      }
    });
  },
  { name: 'origin-check' },
);
