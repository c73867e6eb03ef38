import type { IncomingMessage, ServerResponse } from 'node:http';
import { StripeApiError } from './errors.ts';
import { readBody, sendJson } from './http.ts';
import type { FakeStripe } from './server.ts';
import type { RequestInfo, Store } from './store.ts';
import type { DeliverOptions } from './webhooks.ts';

/** `/_fake/…`: the JS control API over HTTP (JSON bodies, no auth) for tests in another process. */

type Json = Record<string, unknown>;

function field<T>(body: Json, name: string, type: 'string' | 'number' | 'boolean'): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) throw new Error(`${name} must be a ${type}`);
  return value as T;
}

function redirectTarget(returnUrl: string, pi: { id: string; client_secret: string | null; status: string }): string {
  const url = new URL(returnUrl);
  url.searchParams.set('payment_intent', pi.id);
  url.searchParams.set('payment_intent_client_secret', pi.client_secret ?? '');
  url.searchParams.set('redirect_status', pi.status === 'succeeded' ? 'succeeded' : 'failed');
  return url.href;
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  fake: FakeStripe,
  store: Store,
  info: RequestInfo,
) {
  const method = req.method ?? 'GET';
  const path = url.pathname;
  try {
    const text = await readBody(req);
    let body: Json = {};
    if (text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
        body = parsed as Json;
      } catch {
        throw new Error('the body must be a JSON object');
      }
    }
    let m: RegExpExecArray | null;

    if (method === 'GET' && (m = /^\/_fake\/redirect\/([^/]+)$/.exec(path))) {
      // The page a redirect payment method sends the customer to; `outcome=fail` declines, anything else authorizes.
      const success = url.searchParams.get('outcome') !== 'fail';
      const { pi, returnUrl } = store.completeRedirect(decodeURIComponent(m[1]!), success, info);
      const target = url.searchParams.get('return_url') ?? returnUrl;
      if (target && URL.canParse(target)) {
        res.writeHead(303, { location: redirectTarget(target, pi), 'content-length': '0' });
        res.end();
        return;
      }
      const html = `<!doctype html><title>fake-stripe</title><p>Payment ${pi.id}: ${pi.status}</p>`;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': String(Buffer.byteLength(html)),
      });
      res.end(html);
      return;
    }
    if (method === 'GET' && path === '/_fake/events') {
      const type = url.searchParams.get('type');
      return sendJson(res, 200, type ? fake.events.filter((e) => e.type === type) : fake.events);
    }
    if (method === 'GET' && path === '/_fake/deliveries') return sendJson(res, 200, fake.deliveries);
    if (method === 'GET' && path === '/_fake/requests') return sendJson(res, 200, fake.requests);
    if (method === 'GET' && (m = /^\/_fake\/objects\/([^/]+)$/.exec(path))) {
      const object = fake.get(decodeURIComponent(m[1]!));
      if (object === undefined)
        throw new StripeApiError(404, { type: 'invalid_request_error', message: `No such object: '${m[1]}'` });
      return sendJson(res, 200, object);
    }
    if (method === 'GET' && path === '/_fake/settled') {
      await fake.settled();
      return sendJson(res, 200, { settled: true });
    }
    if (method === 'POST' && (m = /^\/_fake\/events\/([^/]+)\/deliver$/.exec(path))) {
      const options: DeliverOptions = {};
      const times = field<number>(body, 'times', 'number');
      const concurrent = field<boolean>(body, 'concurrent', 'boolean');
      const signature = field<string>(body, 'signature', 'string');
      const target = field<string>(body, 'url', 'string');
      if (times !== undefined) options.times = times;
      if (concurrent !== undefined) options.concurrent = concurrent;
      if (signature !== undefined) {
        if (!['valid', 'forged', 'stale', 'missing'].includes(signature)) {
          throw new Error('signature must be valid, forged, stale or missing');
        }
        options.signature = signature as DeliverOptions['signature'] & string;
      }
      if (target !== undefined) options.url = target;
      return sendJson(res, 200, { statuses: await fake.deliver(decodeURIComponent(m[1]!), options) });
    }
    if (method === 'POST' && (m = /^\/_fake\/payment_intents\/([^/]+)\/(succeed|fail|refund|dispute)$/.exec(path))) {
      const id = decodeURIComponent(m[1]!);
      switch (m[2]) {
        case 'succeed': {
          const paymentMethod = field<string>(body, 'paymentMethod', 'string');
          return sendJson(res, 200, fake.succeed(id, paymentMethod === undefined ? {} : { paymentMethod }));
        }
        case 'fail':
          return sendJson(res, 200, fake.fail(id, field<string>(body, 'code', 'string')));
        case 'refund':
          return sendJson(res, 200, fake.refund(id, field<number>(body, 'amount', 'number')));
        default: {
          const amount = field<number>(body, 'amount', 'number');
          const reason = field<string>(body, 'reason', 'string');
          return sendJson(
            res,
            200,
            fake.dispute(id, { ...(amount !== undefined && { amount }), ...(reason !== undefined && { reason }) }),
          );
        }
      }
    }
    if (method === 'POST' && path === '/_fake/webhook') {
      const target = body.url === null ? null : field<string>(body, 'url', 'string');
      if (target === undefined) throw new Error('url is required (a string, or null to stop delivering)');
      fake.setWebhook(target, field<string>(body, 'secret', 'string'));
      return sendJson(res, 200, { url: fake.webhookUrl, secret: fake.webhookSecret });
    }
    if (method === 'POST' && path === '/_fake/auto-deliver') {
      const enabled = field<boolean>(body, 'enabled', 'boolean');
      if (enabled === undefined) throw new Error('enabled is required');
      fake.setAutoDeliver(enabled);
      return sendJson(res, 200, { enabled });
    }
    if (method === 'POST' && path === '/_fake/fail-next') {
      const count = field<number>(body, 'count', 'number') ?? 1;
      const mode = body.mode ?? 500;
      if (mode !== 500 && mode !== 'drop') throw new Error("mode must be 500 or 'drop'");
      fake.failNext(count, mode);
      return sendJson(res, 200, { count, mode });
    }
    if (method === 'POST' && path === '/_fake/reset') {
      fake.reset();
      return sendJson(res, 200, { reset: true });
    }
    sendJson(res, 404, {
      error: { type: 'invalid_request_error', message: `fake-stripe: no control route ${method} ${path}` },
    });
  } catch (error) {
    if (error instanceof StripeApiError) return sendJson(res, error.status, { error: error.body });
    if (error instanceof Error) {
      return sendJson(res, 400, { error: { type: 'invalid_request_error', message: error.message } });
    }
    throw error;
  }
}
