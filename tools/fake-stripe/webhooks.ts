import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FakeEvent } from './store.ts';

export type SignatureMode = 'valid' | 'forged' | 'stale' | 'missing';

export interface Delivery {
  eventId: string;
  type: string;
  url: string;
  /** 'auto' for deliveries (and retries) the fake made on its own, 'manual' for `deliver()`. */
  mode: 'auto' | 'manual';
  /** 1 for the first automatic attempt, 2… for retries; manual deliveries count from 1 per `deliver()` call. */
  attempt: number;
  signature: SignatureMode;
  /** HTTP status received, or null when the connection failed. */
  status: number | null;
  error: string | null;
  /** Date.now() when the attempt finished. */
  at: number;
}

export interface DeliverOptions {
  /** How many times to send the event (default 1). */
  times?: number;
  /** Send them all at once (default) or one after another. */
  concurrent?: boolean;
  signature?: SignatureMode;
  /** Another URL than the configured webhook URL. */
  url?: string;
}

/** `Stripe-Signature` for `payload`: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.payload")>`. */
export function signatureHeader(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

const ATTEMPT_TIMEOUT_MS = 10_000;

/** POST one signed event; resolves to the status, or null plus the error when the connection failed. */
function post(
  url: string,
  payload: string,
  signature: string | null,
): { done: Promise<{ status: number | null; error: string | null }>; abort: () => void } {
  const target = new URL(url);
  const body = Buffer.from(payload, 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(body.length),
    'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    accept: '*/*; q=0.5, application/xml',
    'cache-control': 'no-cache',
  };
  if (signature !== null) headers['stripe-signature'] = signature;
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // A fresh connection per attempt (agent: false): nothing lingers to keep a receiver's server.close() waiting.
  const req = request(target, { method: 'POST', headers, agent: false });
  const done = new Promise<{ status: number | null; error: string | null }>((resolve) => {
    req.setTimeout(ATTEMPT_TIMEOUT_MS, () => req.destroy(new Error(`timed out after ${ATTEMPT_TIMEOUT_MS} ms`)));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? null, error: null }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? null, error: error.message }));
    });
    req.on('error', (error) => resolve({ status: null, error: error.message }));
  });
  req.end(body);
  return { done, abort: () => req.destroy(new Error('fake-stripe closed')) };
}

export interface WebhookConfig {
  url: string | null;
  secret: string;
  autoDeliver: boolean;
  retryDelaysMs: number[];
}

/**
 * Webhook delivery as Stripe does it: every event POSTed to the endpoint, signed, retried on a non-2xx answer or a
 * connection error. First attempts go out one at a time in event order (real Stripe does not promise an order;
 * this keeps test runs deterministic); retries are scheduled independently.
 */
export class Webhooks {
  readonly deliveries: Delivery[] = [];
  private queue: Promise<void> = Promise.resolve();
  /** Scheduled retries, each with the function that settles its tracked promise. */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly inFlight = new Set<() => void>();
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private generation = 0;

  constructor(
    readonly config: WebhookConfig,
    private readonly lookup: (eventId: string) => FakeEvent | undefined,
  ) {}

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending++;
    return work.finally(() => {
      if (--this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
  }

  /** Resolves once no delivery is running or waiting for a retry. */
  settled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private sign(payload: string, mode: SignatureMode): string | null {
    const now = Math.floor(Date.now() / 1000);
    switch (mode) {
      case 'valid':
        return signatureHeader(payload, this.config.secret, now);
      case 'stale':
        return signatureHeader(payload, this.config.secret, now - 600);
      case 'forged':
        return signatureHeader(payload, `${this.config.secret}_forged`, now);
      case 'missing':
        return null;
    }
  }

  private async attempt(
    event: FakeEvent,
    url: string,
    mode: Delivery['mode'],
    attempt: number,
    signature: SignatureMode,
  ) {
    // Stripe sends pretty-printed JSON; receivers must verify the raw bytes, not a re-serialization.
    const generation = this.generation;
    const payload = JSON.stringify(event, null, 2);
    const sent = post(url, payload, this.sign(payload, signature));
    this.inFlight.add(sent.abort);
    const result = await sent.done.finally(() => this.inFlight.delete(sent.abort));
    const delivery: Delivery = {
      eventId: event.id,
      type: event.type,
      url,
      mode,
      attempt,
      signature,
      status: result.status,
      error:
        result.error ??
        (result.status !== null && (result.status < 200 || result.status > 299) ? `HTTP ${result.status}` : null),
      at: Date.now(),
    };
    if (generation === this.generation) this.deliveries.push(delivery);
    return delivery;
  }

  /** Called for every new event: queue its automatic delivery if a URL is set and auto-delivery is on. */
  onEvent(event: FakeEvent) {
    const url = this.config.url;
    if (url === null || !this.config.autoDeliver) return;
    const generation = this.generation;
    const run = async () => {
      if (generation !== this.generation) return;
      await this.autoAttempt(event, url, 1, generation);
    };
    this.queue = this.track(this.queue.then(run));
  }

  private async autoAttempt(event: FakeEvent, url: string, attempt: number, generation: number) {
    const delivery = await this.attempt(event, url, 'auto', attempt, 'valid');
    if (delivery.error === null) {
      event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      return;
    }
    const delay = this.config.retryDelaysMs[attempt - 1];
    if (delay === undefined || generation !== this.generation) return;
    void this.track(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (generation !== this.generation) return resolve();
          void this.autoAttempt(event, url, attempt + 1, generation).finally(resolve);
        }, delay);
        this.timers.set(timer, resolve);
      }),
    );
  }

  /** Send an event now, `times` times, without retries; resolves to the statuses received (0 = connection failed). */
  async deliver(eventId: string, options: DeliverOptions = {}): Promise<number[]> {
    const event = this.lookup(eventId);
    if (!event) throw new Error(`fake-stripe: no such event ${eventId}`);
    const url = options.url ?? this.config.url;
    if (!url) throw new Error('fake-stripe: no webhook URL (set one with setWebhook or pass url)');
    const times = options.times ?? 1;
    const signature = options.signature ?? 'valid';
    const send = (i: number) => this.attempt(event, url, 'manual', i + 1, signature).then((d) => d.status ?? 0);
    return this.track(
      (async () => {
        if (options.concurrent ?? true) return Promise.all(Array.from({ length: times }, (_, i) => send(i)));
        const statuses: number[] = [];
        for (let i = 0; i < times; i++) statuses.push(await send(i));
        return statuses;
      })(),
    );
  }

  /** Forget deliveries and drop scheduled retries and queued first attempts (running requests are aborted). */
  reset() {
    this.generation++;
    for (const [timer, resolve] of this.timers) {
      clearTimeout(timer);
      resolve();
    }
    this.timers.clear();
    for (const abort of this.inFlight) abort();
    this.deliveries.length = 0;
  }
}
