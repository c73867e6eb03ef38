import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** Stripe.js calls the API from the browser with fetch, so every answer carries CORS headers. */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers':
    'Authorization, Content-Type, Stripe-Version, Stripe-Account, Idempotency-Key, X-Stripe-Client-User-Agent',
  'access-control-expose-headers':
    'Request-Id, Stripe-Version, Idempotency-Key, Idempotent-Replayed, Stripe-Should-Retry',
  'access-control-max-age': '600',
};

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** The API key from `Authorization: Bearer sk_…` or `Basic base64(sk_…:)` (curl -u), or null. */
export function apiKeyFromHeaders(headers: IncomingHttpHeaders): string | null {
  const auth = headerValue(headers, 'authorization');
  if (auth === null) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (basic) return Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0]!.trim() || null;
  return null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  // Stripe pretty-prints its JSON with two spaces.
  sendRaw(res, status, JSON.stringify(body, null, 2), headers);
}

export function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  const data = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(data.length),
    'cache-control': 'no-cache, no-store',
    ...CORS_HEADERS,
    ...headers,
  });
  res.end(data);
}
