import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Stripe from 'stripe';
import type { Route } from './api.ts';
import { apiRoutes } from './api.ts';
import { handleControl } from './control.ts';
import type { StripeErrorBody } from './errors.ts';
import { apiError, authenticationError, idempotencyError, invalidRequest, StripeApiError } from './errors.ts';
import type { FormObject } from './form.ts';
import { canonical, parseForm } from './form.ts';
import { apiKeyFromHeaders, CORS_HEADERS, headerValue, readBody, sendJson, sendRaw } from './http.ts';
import { randomToken } from './ids.ts';
import type { FakeEvent, RequestInfo } from './store.ts';
import { Store } from './store.ts';
import type { DeliverOptions, Delivery } from './webhooks.ts';
import { Webhooks } from './webhooks.ts';

export type { StripeErrorBody } from './errors.ts';
export { StripeApiError } from './errors.ts';
export type { FakeEvent } from './store.ts';
export type { DeliverOptions, Delivery, SignatureMode } from './webhooks.ts';
export { signatureHeader } from './webhooks.ts';
export { TEST_CARDS } from './cards.ts';

/** The API version the installed stripe package pins; events carry it as `api_version`. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

export interface FakeStripeOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accept only this secret key (default: any `sk_test_…` / `rk_test_…`). */
  secretKey?: string;
  /** Accept only this publishable key (default: any `pk_test_…`). */
  publishableKey?: string;
  /** Where events are POSTed (default: nowhere until `setWebhook`). */
  webhookUrl?: string;
  /** Signing secret for `Stripe-Signature` (default 'whsec_test_fake'). */
  webhookSecret?: string;
  /** Deliver every event as it happens (default true). */
  autoDeliver?: boolean;
  /** Waits before each retry of a failed automatic delivery (default [200, 1000, 3000]: 4 attempts in all). */
  retryDelaysMs?: number[];
  /** `api_version` of events (default DEFAULT_API_VERSION). */
  apiVersion?: string;
  /** Clock for the `created` fields, in ms (default Date.now). Signatures always use the real clock. */
  now?: () => number;
  /** Base URL of the links the fake hands out (`next_action` redirect pages); default its own `url`. */
  publicUrl?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query (GET) or form body (POST), decoded. */
  params: FormObject;
  headers: IncomingHttpHeaders;
  apiKey: string | null;
  idempotencyKey: string | null;
  requestId: string;
  /** HTTP status sent; 0 when the connection was dropped. */
  status: number;
  replayed: boolean;
  /** Set when `failNext` took this request. */
  injected: 500 | 'drop' | null;
}

export type FailMode = 500 | 'drop';

export interface FakeStripe {
  /** http://127.0.0.1:PORT — give the SDK `{ host, port, protocol: 'http' }` from it. */
  url: string;
  host: string;
  port: number;
  /** A key the fake accepts: options.secretKey or 'sk_test_fake'. */
  secretKey: string;
  /** options.publishableKey or 'pk_test_fake'. */
  publishableKey: string;
  readonly webhookUrl: string | null;
  readonly webhookSecret: string;
  /** Every event so far, oldest first (a fresh array on each read; the events themselves are live). */
  readonly events: FakeEvent[];
  /** Every webhook delivery attempt, in the order they finished. */
  readonly deliveries: Delivery[];
  /** Every /v1 request, in order. */
  readonly requests: RecordedRequest[];
  /** A copy of any stored object (pi_, ch_, re_, dp_, pm_, txn_, evt_) by id. */
  get(id: string): unknown;
  /** POST an event to the webhook URL (or `url`) `times` times without retries; resolves to the statuses (0 = no answer). */
  deliver(eventId: string, options?: DeliverOptions): Promise<number[]>;
  /** Make a PaymentIntent succeed: confirm it (test card, or its redirect method) and complete any redirect. */
  succeed(paymentIntentId: string, options?: { paymentMethod?: string }): Stripe.PaymentIntent;
  /** Make a payment attempt fail: a card decline with this code (card_declined, insufficient_funds, expired_card,
   * incorrect_cvc, processing_error, authentication_required, lost_card, stolen_card, fraudulent), or a failed
   * redirect for wechat_pay/alipay/crypto. */
  fail(paymentIntentId: string, code?: string): Stripe.PaymentIntent;
  /** Refund a succeeded PaymentIntent (default: what is left). */
  refund(paymentIntentId: string, amount?: number): Stripe.Refund;
  dispute(paymentIntentId: string, options?: { amount?: number; reason?: string }): Stripe.Dispute;
  /** Where to deliver events (null: nowhere); `secret` replaces the signing secret when given. */
  setWebhook(url: string | null, secret?: string): void;
  setAutoDeliver(enabled: boolean): void;
  /** The next `count` /v1 requests answer 500 api_error, or have their connection destroyed ('drop'). */
  failNext(count: number, mode?: FailMode): void;
  /** Resolves when no webhook delivery is running or waiting for a retry. */
  settled(): Promise<void>;
  /** Forget all objects, events, deliveries, requests and idempotency keys; restore the webhook options. */
  reset(): void;
  close(): Promise<void>;
}

interface Saved {
  status: number;
  text: string;
  requestId: string;
}

interface IdempotencyEntry {
  fingerprint: string;
  /** The saved response, or null when the first request's result was not kept (it failed validation). */
  result: Promise<Saved | null>;
}

/** Stripe keeps idempotent results only for requests that started executing: successes and declines. */
const keptForReplay = (status: number) => status < 400 || status === 402;

const PUBLISHABLE_ONLY =
  'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.';

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const now = options.now ?? Date.now;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const initialWebhook = {
    url: options.webhookUrl ?? null,
    secret: options.webhookSecret ?? 'whsec_test_fake',
    autoDeliver: options.autoDeliver ?? true,
  };
  const requests: RecordedRequest[] = [];
  const idempotency = new Map<string, IdempotencyEntry>();
  let failures: { count: number; mode: FailMode } = { count: 0, mode: 500 };
  let baseUrl = '';

  const store: Store = new Store({
    now,
    apiVersion,
    pendingWebhooks: () => (webhooks.config.url === null ? 0 : 1),
    onEvent: (event) => webhooks.onEvent(event),
  });
  const webhooks: Webhooks = new Webhooks(
    { ...initialWebhook, retryDelaysMs: options.retryDelaysMs ?? [200, 1000, 3000] },
    (id) => store.events.get(id),
  );
  const routes: Route[] = apiRoutes(store);

  function authenticate(key: string | null): { publishable: boolean } {
    if (key === null) {
      throw authenticationError(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      );
    }
    const secret = options.secretKey ? key === options.secretKey : /^(sk|rk)_test_\w+/.test(key);
    if (secret) return { publishable: false };
    const publishable = options.publishableKey ? key === options.publishableKey : /^pk_test_\w+/.test(key);
    if (publishable) return { publishable: true };
    const masked = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : key;
    throw authenticationError(`Invalid API Key provided: ${masked}`);
  }

  function execute(route: Route, args: string[], params: FormObject, publishable: boolean, info: RequestInfo): Saved {
    try {
      const body = route.handle({ params, publishable, info, args });
      return { status: 200, text: JSON.stringify(body, null, 2), requestId: info.id! };
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      const status = error.status;
      return { status, text: JSON.stringify({ error: error.body }, null, 2), requestId: info.id! };
    }
  }

  /** Same key + same request → the saved answer; same key + another request → idempotency_error. */
  async function idempotent(
    key: string,
    fingerprint: string,
    run: () => Saved,
  ): Promise<{ saved: Saved; replayed: boolean }> {
    for (;;) {
      const entry = idempotency.get(key);
      if (!entry) break;
      if (entry.fingerprint !== fingerprint) {
        throw idempotencyError(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      // Stripe answers a concurrent duplicate with 409 idempotency_key_in_use (which stripe-node retries);
      // waiting for the first request and replaying its answer ends the same way with fewer round trips.
      const saved = await entry.result;
      if (saved) return { saved, replayed: true };
      if (idempotency.get(key) === entry) idempotency.delete(key);
    }
    let settle!: (saved: Saved | null) => void;
    const entry: IdempotencyEntry = { fingerprint, result: new Promise((resolve) => (settle = resolve)) };
    idempotency.set(key, entry);
    let saved: Saved;
    try {
      saved = run();
    } catch (error) {
      idempotency.delete(key);
      settle(null);
      throw error;
    }
    if (keptForReplay(saved.status)) settle(saved);
    else {
      idempotency.delete(key);
      settle(null);
    }
    return { saved, replayed: false };
  }

  function matchRoute(method: string, path: string): { route: Route; args: string[] } | 'wrong-method' | null {
    let pathKnown = false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathKnown = true;
      if (route.method === method) return { route, args: m.slice(1).map((s) => decodeURIComponent(s)) };
    }
    return pathKnown ? 'wrong-method' : null;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL) {
    const method = req.method ?? 'GET';
    const requestId = `req_${randomToken(14)}`;
    const idempotencyKey = method === 'POST' ? headerValue(req.headers, 'idempotency-key') : null;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params: {},
      headers: req.headers,
      apiKey: apiKeyFromHeaders(req.headers),
      idempotencyKey,
      requestId,
      status: 0,
      replayed: false,
      injected: null,
    };
    requests.push(record);
    const headers: Record<string, string> = {
      'request-id': requestId,
      'stripe-version': headerValue(req.headers, 'stripe-version') ?? apiVersion,
      ...(idempotencyKey !== null && { 'idempotency-key': idempotencyKey }),
    };
    const fail = (error: StripeApiError) => {
      record.status = error.status;
      sendJson(res, error.status, { error: error.body }, headers);
    };

    if (failures.count > 0) {
      failures.count--;
      record.injected = failures.mode;
      if (failures.mode === 'drop') {
        req.socket.destroy();
        return;
      }
      return fail(apiError('fake-stripe: injected failure (failNext)'));
    }

    try {
      const text = await readBody(req);
      const params = parseForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : text);
      record.params = params;
      const matched = matchRoute(method, url.pathname);
      if (matched === null || matched === 'wrong-method') {
        return fail(
          invalidRequest(
            `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
            undefined,
            undefined,
            404,
          ),
        );
      }
      // Stripe.js may send its publishable key as a `key` parameter instead of a header.
      const key = record.apiKey ?? (typeof params.key === 'string' ? params.key : null);
      record.apiKey = key;
      const { publishable } = authenticate(key);
      if (publishable && !(matched.route.publishable && typeof params.client_secret === 'string')) {
        throw authenticationError(PUBLISHABLE_ONLY);
      }
      const info: RequestInfo = { id: requestId, idempotencyKey, baseUrl };
      const run = () => execute(matched.route, matched.args, params, publishable, info);
      const { saved, replayed } =
        idempotencyKey === null
          ? { saved: run(), replayed: false }
          : await idempotent(idempotencyKey, `${method} ${url.pathname} ${canonical(params)}`, run);
      record.status = saved.status;
      record.replayed = replayed;
      sendRaw(res, saved.status, saved.text, {
        ...headers,
        'request-id': saved.requestId,
        ...(replayed && { 'idempotent-replayed': 'true' }),
      });
    } catch (error) {
      if (error instanceof StripeApiError) return fail(error);
      throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'content-length': '0' });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/_fake/')) {
      const info: RequestInfo = { id: null, idempotencyKey: null, baseUrl };
      return handleControl(req, res, url, fake, store, info);
    }
    return handleApi(req, res, url);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake-stripe: request failed', error);
      if (res.headersSent) res.destroy();
      else {
        const body: StripeErrorBody = { type: 'api_error', message: `fake-stripe internal error: ${String(error)}` };
        sendJson(res, 500, { error: body });
      }
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const ownUrl = `http://${host}:${address.port}`;
  baseUrl = options.publicUrl ?? ownUrl;
  const internal = (): RequestInfo => ({ id: null, idempotencyKey: null, baseUrl });
  const copy = <T>(value: T): T => structuredClone(value);

  const fake: FakeStripe = {
    url: ownUrl,
    host: address.address,
    port: address.port,
    secretKey: options.secretKey ?? 'sk_test_fake',
    publishableKey: options.publishableKey ?? 'pk_test_fake',
    get webhookUrl() {
      return webhooks.config.url;
    },
    get webhookSecret() {
      return webhooks.config.secret;
    },
    get events() {
      return [...store.events.values()];
    },
    get deliveries() {
      return webhooks.deliveries;
    },
    requests,
    get: (id) => {
      const found = store.find(id);
      return found === undefined ? undefined : copy(found);
    },
    deliver: (eventId, deliverOptions) => webhooks.deliver(eventId, deliverOptions),
    succeed: (id, succeedOptions = {}) => copy(store.succeed(id, succeedOptions.paymentMethod, internal())),
    fail: (id, code = 'card_declined') => copy(store.fail(id, code, internal())),
    refund: (id, amount) => copy(store.refund({ paymentIntent: id }, amount, {}, internal())),
    dispute: (id, disputeOptions = {}) => copy(store.dispute(id, disputeOptions, internal())),
    setWebhook(url, secret) {
      webhooks.config.url = url;
      if (secret !== undefined) webhooks.config.secret = secret;
    },
    setAutoDeliver(enabled) {
      webhooks.config.autoDeliver = enabled;
    },
    failNext(count, mode = 500) {
      failures = { count, mode };
    },
    settled: () => webhooks.settled(),
    reset() {
      store.reset();
      webhooks.reset();
      Object.assign(webhooks.config, initialWebhook);
      requests.length = 0;
      idempotency.clear();
      failures = { count: 0, mode: 500 };
    },
    close() {
      webhooks.reset();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
