import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formList, parseForm } from './form.ts';
import type { FakeStripe } from './server.ts';
import { startFakeStripe } from './server.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook endpoint that records what it gets and answers with queued statuses (200 when none are left). */
async function startReceiver() {
  const received: Received[] = [];
  let statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    respond(...next: number[]) {
      statuses = next;
    },
    reset() {
      received.length = 0;
      statuses = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const SECRET = 'whsec_test_fake';
let fake: FakeStripe;
let stripe: Stripe;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const client = (key: string, config: Stripe.StripeConfig = {}) =>
  new Stripe(key, { host: '127.0.0.1', port: fake.port, protocol: 'http', ...config });

beforeAll(async () => {
  fake = await startFakeStripe({ retryDelaysMs: [20, 20, 20] });
  stripe = client(fake.secretKey, { maxNetworkRetries: 2 });
  receiver = await startReceiver();
});
afterAll(async () => {
  await fake.close();
  await receiver.close();
});
beforeEach(() => {
  fake.reset();
  receiver.reset();
});

const create = (extra: Stripe.PaymentIntentCreateParams | object = {}) =>
  stripe.paymentIntents.create({ amount: 2000, currency: 'usd', allowed_payment_method_types: ['card'], ...extra });

async function caught(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}

describe('form parsing', () => {
  it('decodes bracket notation, lists and encoded brackets', () => {
    const params = parseForm(
      'metadata[userId]=u1&payment_method_types[0]=card&payment_method_types[1]=wechat_pay&' +
        'payment_method_options[wechat_pay][client]=web&expand[]=latest_charge&description=a+b%26c&' +
        'metadata%5Bplan%5D=pro&empty=',
    );
    expect(params).toEqual({
      metadata: { userId: 'u1', plan: 'pro' },
      payment_method_types: { 0: 'card', 1: 'wechat_pay' },
      payment_method_options: { wechat_pay: { client: 'web' } },
      expand: ['latest_charge'],
      description: 'a b&c',
      empty: '',
    });
    expect(formList(params.payment_method_types)).toEqual(['card', 'wechat_pay']);
    expect(formList(params.expand)).toEqual(['latest_charge']);
  });
});

describe('payment intents', () => {
  it('creates one with Stripe’s shape, metadata and payment method types', async () => {
    const pi = await create({
      metadata: { userId: 'u1', packageId: 'p2' },
      allowed_payment_method_types: ['card', 'wechat_pay'],
      payment_method_options: { wechat_pay: { client: 'web' } },
      description: 'Tokens',
    });
    expect(pi.id).toMatch(/^pi_\w{24}$/);
    expect(pi).toMatchObject({
      object: 'payment_intent',
      amount: 2000,
      amount_received: 0,
      currency: 'usd',
      status: 'requires_payment_method',
      livemode: false,
      metadata: { userId: 'u1', packageId: 'p2' },
      allowed_payment_method_types: ['card', 'wechat_pay'],
      payment_method_types: ['card', 'wechat_pay'],
      automatic_payment_methods: null,
      payment_method_options: { wechat_pay: { client: 'web' } },
      description: 'Tokens',
      latest_charge: null,
      last_payment_error: null,
      next_action: null,
    });
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_\\w+$`));
    expect(Math.abs(pi.created - Date.now() / 1000)).toBeLessThan(5);
    expect(pi.lastResponse.requestId).toMatch(/^req_/);
    const [event] = fake.events;
    expect(event).toMatchObject({
      object: 'event',
      type: 'payment_intent.created',
      livemode: false,
      data: { object: { id: pi.id, status: 'requires_payment_method' } },
      request: { id: pi.lastResponse.requestId },
    });
    expect(event!.request.idempotency_key).toMatch(/^stripe-node-retry-/);
  });

  it('still takes payment_method_types, the parameter API versions before 2026-10 use', async () => {
    // stripe-node 23 pins an API version that renamed it to allowed_payment_method_types; older clients send this.
    const legacy = { amount: 2000, currency: 'usd', payment_method_types: ['card', 'alipay'] };
    const pi = await stripe.paymentIntents.create(legacy as Stripe.PaymentIntentCreateParams);
    expect(pi.payment_method_types).toEqual(['card', 'alipay']);
    expect(fake.requests.at(-1)!.params).toMatchObject({ payment_method_types: { 0: 'card', 1: 'alipay' } });
    const both = await caught(create({ ...legacy, allowed_payment_method_types: ['card'] }));
    expect(both).toMatchObject({ statusCode: 400, code: 'parameters_exclusive' });
    const confirmed = await stripe.paymentIntents.confirm(pi.id, {
      payment_method_data: { type: 'alipay' },
      return_url: 'http://localhost/back',
    });
    expect(confirmed.status).toBe('requires_action');
  });

  it('defaults to automatic payment methods and validates parameters like Stripe', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'USD' });
    expect(pi.automatic_payment_methods).toEqual({ allow_redirects: 'always', enabled: true });
    expect(pi.currency).toBe('usd');

    const missing = await caught(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(missing).toMatchObject({ type: 'StripeInvalidRequestError', code: 'parameter_missing', param: 'amount' });
    const unknown = await caught(create({ colour: 'red' }));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'colour' });
    const small = await caught(create({ amount: 10 }));
    expect(small).toMatchObject({ code: 'amount_too_small', param: 'amount' });
    const both = await caught(
      stripe.paymentIntents.create({
        amount: 1000,
        currency: 'usd',
        automatic_payment_methods: { enabled: true },
        payment_method_types: ['card'],
      } as Stripe.PaymentIntentCreateParams),
    );
    expect(both).toMatchObject({ code: 'parameters_exclusive' });
  });

  it('replays idempotent creates and rejects a reused key with another body', async () => {
    const first = await create({ metadata: { n: '1' } });
    const again = await create({ metadata: { n: '1' } });
    expect(again.id).not.toBe(first.id); // stripe-node's own keys differ per call

    const key = 'purchase-42';
    const a = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: key });
    const b = await stripe.paymentIntents.create({ amount: 2000, currency: 'usd' }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(b.lastResponse.requestId).toBe(a.lastResponse.requestId);

    const other = await caught(
      stripe.paymentIntents.create({ amount: 3000, currency: 'usd' }, { idempotencyKey: key }),
    );
    expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(other).toMatchObject({ statusCode: 400, rawType: 'idempotency_error' });
  });

  it('makes one object for concurrent requests with the same idempotency key', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        stripe.paymentIntents.create({ amount: 900, currency: 'usd' }, { idempotencyKey: 'same-key' }),
      ),
    );
    expect(new Set(results.map((pi) => pi.id)).size).toBe(1);
    const all = await stripe.paymentIntents.list({ limit: 100 });
    expect(all.data).toHaveLength(1);
    expect(fake.events.filter((e) => e.type === 'payment_intent.created')).toHaveLength(1);
  });

  it('retrieves, with the secret key or with a publishable key and the client secret', async () => {
    const pi = await create({ metadata: { userId: 'u1' } });
    expect((await stripe.paymentIntents.retrieve(pi.id)).metadata).toEqual({ userId: 'u1' });

    const browser = client('pk_test_browser');
    const seen = await browser.paymentIntents.retrieve(pi.id, { client_secret: pi.client_secret! });
    expect(seen).toMatchObject({ id: pi.id, status: 'requires_payment_method', client_secret: pi.client_secret });
    expect(seen).not.toHaveProperty('metadata');

    const wrong = await caught(browser.paymentIntents.retrieve(pi.id, { client_secret: `${pi.id}_secret_nope` }));
    expect(wrong).toMatchObject({ statusCode: 400, param: 'client_secret' });
    const noSecret = await caught(browser.paymentIntents.retrieve(pi.id));
    expect(noSecret).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const badKey = await caught(client('sk_live_nope').paymentIntents.retrieve(pi.id));
    expect(badKey).toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
    const missing = await caught(stripe.paymentIntents.retrieve('pi_missing'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'intent' });

    const noKey = await fetch(`${fake.url}/v1/payment_intents/${pi.id}`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const unknownRoute = await fetch(`${fake.url}/v1/nope`, { headers: { authorization: `Bearer ${fake.secretKey}` } });
    expect(unknownRoute.status).toBe(404);
    expect(((await unknownRoute.json()) as { error: { message: string } }).error.message).toMatch(/Unrecognized/);
  });

  it('only accepts the configured keys when they are given', async () => {
    const strict = await startFakeStripe({ secretKey: 'sk_test_exact', publishableKey: 'pk_test_exact' });
    try {
      const at = (key: string) => new Stripe(key, { host: '127.0.0.1', port: strict.port, protocol: 'http' });
      await expect(at('sk_test_exact').paymentIntents.list()).resolves.toMatchObject({ object: 'list' });
      const other = await caught(at('sk_test_other').paymentIntents.list());
      expect(other).toMatchObject({ statusCode: 401 });
      expect(other.message).toMatch(/Invalid API Key provided: sk_test_\*+ther/);
    } finally {
      await strict.close();
    }
  });

  it('confirms with a test card into a succeeded payment with a charge', async () => {
    const pi = await create({ metadata: { userId: 'u1' } });
    const done = await stripe.paymentIntents.confirm(pi.id, {
      payment_method: 'pm_card_visa',
      expand: ['latest_charge'],
    });
    expect(done).toMatchObject({ status: 'succeeded', amount_received: 2000, last_payment_error: null });
    expect(done.payment_method).toMatch(/^pm_/);
    const charge = done.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      amount: 2000,
      amount_refunded: 0,
      paid: true,
      refunded: false,
      status: 'succeeded',
      payment_intent: pi.id,
      metadata: { userId: 'u1' },
      payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } },
    });
    expect(charge.id).toMatch(/^ch_/);
    expect((await stripe.charges.retrieve(charge.id)).id).toBe(charge.id);
    const listed = await stripe.paymentIntents.list({ expand: ['data.latest_charge.balance_transaction'] });
    const nested = (listed.data[0]!.latest_charge as Stripe.Charge).balance_transaction as Stripe.BalanceTransaction;
    expect(nested).toMatchObject({ object: 'balance_transaction', amount: 2000 });
    const txn = await stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
    expect(txn).toMatchObject({ amount: 2000, fee: 88, net: 1912, source: charge.id });
    expect(fake.events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    const again = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('confirms at creation and attaches a payment method to confirm later', async () => {
    const now = await create({ confirm: true, payment_method: 'pm_card_mastercard' });
    expect(now.status).toBe('succeeded');
    const later = await create({ payment_method: 'pm_card_visa' });
    expect(later.status).toBe('requires_confirmation');
    expect((await stripe.paymentIntents.confirm(later.id)).status).toBe('succeeded');
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', ''],
    ['pm_card_authenticationRequired', 'card_declined', 'authentication_required'],
  ])('declines %s with %s / %s', async (paymentMethod, code, declineCode) => {
    const pi = await create();
    const error = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: paymentMethod }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, rawType: 'card_error', code, decline_code: declineCode });
    expect(error.payment_intent).toMatchObject({ id: pi.id, status: 'requires_payment_method' });
    expect(error.charge).toMatch(/^ch_/);
    const after = await stripe.paymentIntents.retrieve(pi.id);
    expect(after).toMatchObject({
      status: 'requires_payment_method',
      payment_method: null,
      latest_charge: error.charge,
      last_payment_error: { type: 'card_error', code, ...(declineCode && { decline_code: declineCode }) },
    });
    expect(await stripe.charges.retrieve(error.charge!)).toMatchObject({ status: 'failed', failure_code: code });
    expect(fake.events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    // The customer can try again with another card.
    expect((await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' })).status).toBe('succeeded');
  });

  it('replays a declined confirm for the same idempotency key', async () => {
    const pi = await create();
    const opts = { idempotencyKey: 'confirm-1' };
    const first = await caught(
      stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }, opts),
    );
    const second = await caught(
      stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' }, opts),
    );
    expect(second).toMatchObject({ code: first.code, charge: first.charge, requestId: first.requestId });
    expect(fake.events.filter((e) => e.type === 'charge.failed')).toHaveLength(1);
  });

  it('cancels', async () => {
    const pi = await create();
    const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toBeGreaterThan(0);
    expect(fake.events.at(-1)!.type).toBe('payment_intent.canceled');
    const again = await caught(stripe.paymentIntents.cancel(pi.id));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const confirm = await caught(stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' }));
    expect(confirm).toMatchObject({ code: 'payment_intent_unexpected_state' });
  });

  it('updates metadata and amount before payment', async () => {
    const pi = await create({ metadata: { a: '1', b: '2' } });
    const updated = await stripe.paymentIntents.update(pi.id, { amount: 5000, metadata: { b: '', c: '3' } });
    expect(updated).toMatchObject({ amount: 5000, metadata: { a: '1', c: '3' } });
  });
});

describe('lists', () => {
  it('pages newest first with cursors, created filters and auto-pagination', async () => {
    let clock = Date.UTC(2030, 0, 1);
    const timed = await startFakeStripe({ now: () => clock });
    try {
      const api = new Stripe('sk_test_x', { host: '127.0.0.1', port: timed.port, protocol: 'http' });
      const t0 = clock / 1000;
      const ids: string[] = [];
      for (let i = 0; i < 25; i++) {
        ids.push((await api.paymentIntents.create({ amount: 100 + i, currency: 'usd' })).id);
        clock += 10_000;
      }
      const newestFirst = [...ids].reverse();

      const page = await api.paymentIntents.list();
      expect(page).toMatchObject({ object: 'list', has_more: true, url: '/v1/payment_intents' });
      expect(page.data.map((pi) => pi.id)).toEqual(newestFirst.slice(0, 10));
      const next = await api.paymentIntents.list({ limit: 10, starting_after: page.data.at(-1)!.id });
      expect(next.data.map((pi) => pi.id)).toEqual(newestFirst.slice(10, 20));
      const back = await api.paymentIntents.list({ limit: 5, ending_before: next.data[0]!.id });
      expect(back.data.map((pi) => pi.id)).toEqual(newestFirst.slice(5, 10));
      expect(back.has_more).toBe(true);

      const all: string[] = [];
      for await (const pi of api.paymentIntents.list({ limit: 7 })) all.push(pi.id);
      expect(all).toEqual(newestFirst);
      const reversed = await api.paymentIntents
        .list({ limit: 4, ending_before: ids[0]! })
        .autoPagingToArray({ limit: 100 });
      expect(reversed.map((pi) => pi.id)).toEqual(ids.slice(1));

      const recent = await api.paymentIntents.list({ limit: 100, created: { gte: t0 + 100 } });
      expect(recent.data.map((pi) => pi.id)).toEqual(newestFirst.slice(0, 15));
      const window = await api.paymentIntents.list({ created: { gt: t0 + 100, lt: t0 + 150 } });
      expect(window.data.map((pi) => pi.amount)).toEqual([114, 113, 112, 111]);
      const exact = await api.paymentIntents.list({ created: t0 + 30 });
      expect(exact.data.map((pi) => pi.amount)).toEqual([103]);
      const lte = await api.paymentIntents.list({ created: { lte: t0 + 20 } });
      expect(lte.data.map((pi) => pi.amount)).toEqual([102, 101, 100]);

      const tooMany = await caught(api.paymentIntents.list({ limit: 101 }));
      expect(tooMany).toMatchObject({ statusCode: 400, param: 'limit' });
      const badCursor = await caught(api.paymentIntents.list({ starting_after: 'pi_nope' }));
      expect(badCursor).toMatchObject({ statusCode: 404, param: 'starting_after' });
      const events = await api.events.list({ type: 'payment_intent.*', limit: 3 });
      expect(events.data.map((e) => e.type)).toEqual(Array(3).fill('payment_intent.created'));
    } finally {
      await timed.close();
    }
  });
});

describe('refunds and disputes', () => {
  it('refunds in full', async () => {
    const pi = fake.succeed((await create()).id);
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    expect(refund).toMatchObject({
      object: 'refund',
      amount: 2000,
      status: 'succeeded',
      payment_intent: pi.id,
      charge: pi.latest_charge,
      currency: 'usd',
    });
    expect(refund.id).toMatch(/^re_/);
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({
      amount_refunded: 2000,
      refunded: true,
    });
    const event = fake.events.find((e) => e.type === 'charge.refunded')!;
    expect(event.data.object).toMatchObject({
      object: 'charge',
      payment_intent: pi.id,
      amount: 2000,
      amount_refunded: 2000,
      currency: 'usd',
      refunded: true,
    });
    expect(event.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(fake.events.at(-1)!.type).toBe('refund.created');
    const again = await caught(stripe.refunds.create({ payment_intent: pi.id }));
    expect(again).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });
  });

  it('refunds in parts and rejects an over-refund', async () => {
    const pi = fake.succeed((await create()).id);
    const charge = pi.latest_charge as string;
    await stripe.refunds.create({ payment_intent: pi.id, amount: 500 });
    const partial = fake.events.filter((e) => e.type === 'charge.refunded').at(-1)!.data.object;
    expect(partial).toMatchObject({ amount_refunded: 500, refunded: false });
    await stripe.refunds.create({ charge, amount: 1000 });
    const over = await caught(stripe.refunds.create({ payment_intent: pi.id, amount: 501 }));
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(over).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    expect(over.message).toBe('Refund amount ($5.01) is greater than unrefunded amount on charge ($5.00)');
    const rest = await stripe.refunds.create({ payment_intent: pi.id });
    expect(rest.amount).toBe(500);
    expect((await stripe.charges.retrieve(charge)).refunded).toBe(true);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.amount)).toEqual([500, 1000, 500]);
  });

  it('refuses to refund an unpaid payment intent', async () => {
    const pi = await create();
    const error = await caught(stripe.refunds.create({ payment_intent: pi.id }));
    expect(error).toMatchObject({ statusCode: 400, param: 'payment_intent' });
    const none = await caught(stripe.refunds.create({ payment_intent: 'pi_nope' }));
    expect(none).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('opens a dispute', async () => {
    const pi = fake.succeed((await create()).id);
    const dispute = fake.dispute(pi.id, { amount: 1500 });
    expect(dispute).toMatchObject({
      object: 'dispute',
      amount: 1500,
      charge: pi.latest_charge,
      payment_intent: pi.id,
      reason: 'fraudulent',
      status: 'needs_response',
    });
    expect(dispute.id).toMatch(/^dp_/);
    expect(fake.events.at(-1)).toMatchObject({ type: 'charge.dispute.created', data: { object: { id: dispute.id } } });
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe('needs_response');
    expect((await stripe.charges.retrieve(pi.latest_charge as string)).disputed).toBe(true);
    const refund = await caught(stripe.refunds.create({ payment_intent: pi.id }));
    expect(refund).toMatchObject({ code: 'charge_disputed' });
  });
});

describe('webhooks', () => {
  it('delivers every event signed the way the SDK verifies', async () => {
    fake.setWebhook(receiver.url);
    const pi = await create();
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    await fake.settled();
    expect(receiver.received).toHaveLength(3);
    const events = receiver.received.map(({ headers, body }) => {
      expect(headers['content-type']).toBe('application/json; charset=utf-8');
      expect(headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
      expect(headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      return stripe.webhooks.constructEvent(body, headers['stripe-signature'] as string, SECRET);
    });
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    expect(events[2]).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1 });
    expect(events[2]!.id).toMatch(/^evt_/);
    expect(fake.deliveries.map((d) => [d.type, d.status, d.attempt])).toEqual([
      ['payment_intent.created', 200, 1],
      ['charge.succeeded', 200, 1],
      ['payment_intent.succeeded', 200, 1],
    ]);
    expect((await stripe.events.retrieve(events[2]!.id)).pending_webhooks).toBe(0);
  });

  it('sends forged, stale and unsigned deliveries the SDK rejects', async () => {
    fake.setWebhook(receiver.url);
    fake.setAutoDeliver(false);
    await create();
    const event = fake.events[0]!;
    for (const signature of ['valid', 'forged', 'stale', 'missing'] as const) {
      expect(await fake.deliver(event.id, { signature })).toEqual([200]);
    }
    const [valid, forged, stale, missing] = receiver.received;
    const verify = (r: Received) => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] ?? '', SECRET);
    expect(verify(valid!).id).toBe(event.id);
    expect(() => verify(forged!)).toThrow(Stripe.errors.StripeSignatureVerificationError);
    expect(() => verify(stale!)).toThrow(/tolerance/);
    expect(missing!.headers['stripe-signature']).toBeUndefined();
    expect(() => verify(missing!)).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('retries after a failing answer or a refused connection', async () => {
    fake.setWebhook(receiver.url);
    receiver.respond(500, 503);
    const pi = await create();
    await fake.settled();
    expect(fake.deliveries.map((d) => [d.status, d.attempt])).toEqual([
      [500, 1],
      [503, 2],
      [200, 3],
    ]);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
    expect(JSON.parse(receiver.received[2]!.body).data.object.id).toBe(pi.id);

    fake.reset();
    fake.setWebhook('http://127.0.0.1:9/nothing-listens-here');
    await create();
    await fake.settled();
    expect(fake.deliveries.map((d) => [d.status, d.attempt])).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
      [null, 4],
    ]);
    expect(fake.deliveries[0]!.error).toMatch(/ECONNREFUSED/);
  });

  it('delivers one event many times, at once or in turn', async () => {
    fake.setWebhook(receiver.url);
    fake.setAutoDeliver(false);
    await create();
    const id = fake.events[0]!.id;
    expect(await fake.deliver(id, { times: 20, concurrent: true })).toEqual(Array(20).fill(200));
    expect(receiver.received).toHaveLength(20);
    receiver.respond(500);
    expect(await fake.deliver(id, { times: 3, concurrent: false })).toEqual([500, 200, 200]);
    expect(fake.deliveries.filter((d) => d.mode === 'manual')).toHaveLength(23);
  });

  it('uses a new webhook secret', async () => {
    fake.setWebhook(receiver.url, 'whsec_other');
    await create();
    await fake.settled();
    const [r] = receiver.received;
    expect(() => stripe.webhooks.constructEvent(r!.body, r!.headers['stripe-signature'] as string, SECRET)).toThrow();
    expect(stripe.webhooks.constructEvent(r!.body, r!.headers['stripe-signature'] as string, 'whsec_other').type).toBe(
      'payment_intent.created',
    );
  });
});

describe('injected failures', () => {
  it('answers 500 api_error for the next requests', async () => {
    const once = client(fake.secretKey, { maxNetworkRetries: 0 });
    fake.failNext(1, 500);
    const error = await caught(once.paymentIntents.create({ amount: 1000, currency: 'usd' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(error).toMatchObject({ statusCode: 500, rawType: 'api_error' });
    expect((await once.paymentIntents.create({ amount: 1000, currency: 'usd' })).status).toBe(
      'requires_payment_method',
    );
  });

  it('lets the SDK retry with the same idempotency key', async () => {
    const patient = client(fake.secretKey, { maxNetworkRetries: 1 });
    fake.failNext(1, 500);
    const pi = await patient.paymentIntents.create({ amount: 1000, currency: 'usd' });
    expect(pi.status).toBe('requires_payment_method');
    const [failed, retried] = fake.requests;
    expect(failed).toMatchObject({ injected: 500, status: 500 });
    expect(retried).toMatchObject({ injected: null, status: 200, idempotencyKey: failed!.idempotencyKey });
  });

  it('drops connections', async () => {
    const once = client(fake.secretKey, { maxNetworkRetries: 0 });
    // stripe-node retries a reset connection once even with maxNetworkRetries 0.
    fake.failNext(2, 'drop');
    const error = await caught(once.paymentIntents.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(fake.requests.map((r) => r.injected)).toEqual(['drop', 'drop']);
    expect((await once.paymentIntents.list()).object).toBe('list');
  });
});

describe('redirect payment methods', () => {
  const wechat = () =>
    create({ allowed_payment_method_types: ['wechat_pay'], payment_method_options: { wechat_pay: { client: 'web' } } });

  it('sends wechat_pay through a redirect that completes the payment', async () => {
    const pi = await wechat();
    const pending = await stripe.paymentIntents.confirm(pi.id, {
      payment_method_data: { type: 'wechat_pay' },
      return_url: 'http://localhost:5173/billing/return?from=modal',
    });
    expect(pending.status).toBe('requires_action');
    expect(pending.next_action).toMatchObject({
      type: 'redirect_to_url',
      redirect_to_url: { return_url: 'http://localhost:5173/billing/return?from=modal' },
    });
    const target = pending.next_action!.redirect_to_url!.url!;
    expect(target.startsWith(`${fake.url}/_fake/redirect/${pi.id}?`)).toBe(true);

    const res = await fetch(target, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe('http://localhost:5173/billing/return');
    expect(Object.fromEntries(back.searchParams)).toEqual({
      from: 'modal',
      payment_intent: pi.id,
      payment_intent_client_secret: pi.client_secret,
      redirect_status: 'succeeded',
    });
    const paid = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] });
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 2000, next_action: null });
    expect((paid.latest_charge as Stripe.Charge).payment_method_details?.type).toBe('wechat_pay');
    expect(fake.events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'payment_intent.requires_action',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('fails a redirect, needs the wechat client option, and confirms a wechat-only intent without data', async () => {
    const pi = await wechat();
    const pending = await stripe.paymentIntents.confirm(pi.id, { return_url: 'http://localhost/r' });
    expect(pending.status).toBe('requires_action');
    const res = await fetch(`${pending.next_action!.redirect_to_url!.url!}&outcome=fail`, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('redirect_status')).toBe('failed');
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
      status: 'requires_payment_method',
      last_payment_error: { code: 'payment_intent_authentication_failure' },
    });
    expect(fake.events.at(-1)!.type).toBe('payment_intent.payment_failed');

    const bare = await create({ allowed_payment_method_types: ['wechat_pay'] });
    const error = await caught(stripe.paymentIntents.confirm(bare.id, { payment_method_data: { type: 'wechat_pay' } }));
    expect(error).toMatchObject({ code: 'parameter_missing', param: 'payment_method_options[wechat_pay][client]' });
    const card = await caught(stripe.paymentIntents.confirm(bare.id, { payment_method: 'pm_card_visa' }));
    expect(card).toMatchObject({ code: 'payment_intent_incompatible_payment_method' });
  });

  it('succeeds and fails redirect intents from the control API', async () => {
    expect(fake.succeed((await wechat()).id)).toMatchObject({ status: 'succeeded' });
    expect(fake.fail((await wechat()).id)).toMatchObject({ status: 'requires_payment_method' });
    const alipay = await create({ allowed_payment_method_types: ['alipay'] });
    expect(fake.succeed(alipay.id).status).toBe('succeeded');
    expect(fake.fail((await create()).id, 'insufficient_funds').last_payment_error).toMatchObject({
      decline_code: 'insufficient_funds',
    });
  });
});

describe('the browser path (Stripe.js)', () => {
  it('answers CORS preflights and confirms with a publishable key and the client secret', async () => {
    const pi = await create({ metadata: { userId: 'u1' } });
    const url = `${fake.url}/v1/payment_intents/${pi.id}/confirm`;
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(
      /Authorization.*Content-Type.*Stripe-Version/,
    );

    const body = new URLSearchParams({ payment_method: 'pm_card_visa', client_secret: pi.client_secret! });
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer pk_test_browser', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ id: pi.id, status: 'succeeded' });
    expect(json).not.toHaveProperty('metadata');

    const other = await create();
    const noSecret = await fetch(`${fake.url}/v1/payment_intents/${other.id}/confirm`, {
      method: 'POST',
      headers: { authorization: 'Bearer pk_test_browser', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'payment_method=pm_card_visa',
    });
    expect(noSecret.status).toBe(401);
    const declined = await fetch(`${fake.url}/v1/payment_intents/${other.id}/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `payment_method=pm_card_chargeDeclined&client_secret=${other.client_secret}&key=pk_test_browser`,
    });
    expect(declined.status).toBe(402);
    const error = ((await declined.json()) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ type: 'card_error', code: 'card_declined', payment_intent: { id: other.id } });
    expect(error.payment_intent).not.toHaveProperty('metadata');
  });
});

describe('control over HTTP', () => {
  const post = async (path: string, body: unknown = {}) => {
    const res = await fetch(`${fake.url}/_fake${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('drives payments, webhooks and failures from another process', async () => {
    const pi = await create();
    expect((await post(`/payment_intents/${pi.id}/succeed`)).json).toMatchObject({ status: 'succeeded' });
    expect((await post(`/payment_intents/${pi.id}/refund`, { amount: 100 })).json).toMatchObject({
      object: 'refund',
      amount: 100,
    });
    expect((await post(`/payment_intents/${pi.id}/dispute`, { reason: 'duplicate' })).json).toMatchObject({
      object: 'dispute',
      reason: 'duplicate',
    });
    const failed = await create();
    expect((await post(`/payment_intents/${failed.id}/fail`, { code: 'expired_card' })).json).toMatchObject({
      last_payment_error: { code: 'expired_card' },
    });
    expect((await post(`/payment_intents/pi_nope/succeed`)).status).toBe(404);
    expect((await post(`/payment_intents/${pi.id}/succeed`)).json).toMatchObject({
      error: { code: 'payment_intent_unexpected_state' },
    });

    const events = (await (await fetch(`${fake.url}/_fake/events`)).json()) as { id: string; type: string }[];
    expect(events.map((e) => e.type)).toContain('charge.dispute.created');

    expect((await post('/webhook', { url: receiver.url, secret: 'whsec_http' })).json).toEqual({
      url: receiver.url,
      secret: 'whsec_http',
    });
    expect((await post(`/events/${events[0]!.id}/deliver`, { times: 2, signature: 'forged' })).json).toEqual({
      statuses: [200, 200],
    });
    await post('/fail-next', { count: 1, mode: 500 });
    expect((await caught(client(fake.secretKey, { maxNetworkRetries: 0 }).paymentIntents.list())).statusCode).toBe(500);

    await post('/reset');
    expect(fake.events).toHaveLength(0);
    expect(fake.webhookUrl).toBeNull();
    expect(fake.webhookSecret).toBe(SECRET);
  });
});
