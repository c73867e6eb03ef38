import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { startFakeStripe, type FakeStripe } from '../../../../tools/fake-stripe/server.ts';
import { eq } from 'drizzle-orm';
import { createLedger } from '../billing/ledger.ts';
import { purchases } from '../db/schema.ts';
import { toNumber } from '../db/sql.ts';
import { configSchema, type ConfigInput } from '../config/schema.ts';
import { buildApp } from '../app.ts';
import { Client, startTestApp, TEST_SECRET, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { createPurchases } from './purchases.ts';
import { createStripeClient } from './stripe.ts';

const WEBHOOK_SECRET = 'whsec_test_tessera';
const START = 20_000;

function paymentsConfig(fake: FakeStripe): ConfigInput {
  return {
    payments: {
      stripe: {
        secretKey: 'sk_test_tessera',
        publishableKey: 'pk_test_tessera',
        webhookSecret: WEBHOOK_SECRET,
        apiUrl: fake.url,
      },
    },
  };
}

describe('payments without Stripe keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(testDatabases[0]!);
  });
  afterAll(() => t.close());

  it('hides Buy tokens and answers 503 PAYMENTS_DISABLED', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    expect((await client.request({ method: 'GET', url: '/api/config' })).json().payments).toBe(false);
    for (const [method, url, payload] of [
      ['GET', '/api/payments/packages', undefined],
      ['POST', '/api/payments/intents', { packageId: 'popular', paymentMethod: 'card', checkoutId: 'checkout-1' }],
      ['POST', '/api/payments/webhook', { type: 'payment_intent.succeeded' }],
    ] as const) {
      const response = await client.request({ method, url, payload });
      expect(response.statusCode).toBe(503);
      expect(response.json().error.code).toBe('PAYMENTS_DISABLED');
    }
    expect((await client.request({ method: 'GET', url: '/api/payments' })).json()).toEqual({ items: [] });
  });

  it('refuses a chat-scoped API key with API_KEY_SCOPE (a full key or a session is needed)', async () => {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const { key } = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'sdk' } })).json();
    for (const [method, url, payload] of [
      ['GET', '/api/payments', undefined],
      ['POST', '/api/payments/intents', { packageId: 'starter', paymentMethod: 'card', checkoutId: 'c1' }],
    ] as const) {
      const response = await t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
      expect({ url, status: response.statusCode, code: response.json().error.code }).toEqual({
        url,
        status: 403,
        code: 'API_KEY_SCOPE',
      });
    }
  });
});

describe.each(testDatabases)('buying credits with Stripe on $name', (db) => {
  let fake: FakeStripe;
  let t: TestApp;
  let stripe: Stripe;
  let checkoutCounter = 0;
  /** The app's time runs with the wall clock, moved ahead by tests that need time to pass. */
  let skewMs = 0;
  const clock = () => new Date(Date.now() + skewMs);

  beforeAll(async () => {
    fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET, retryDelaysMs: [100, 200, 400, 800] });
    t = await startTestApp(db, paymentsConfig(fake), { clock });
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    fake.setWebhook(`${address}/api/payments/webhook`, WEBHOOK_SECRET);
    stripe = new Stripe('sk_test_tessera', {
      host: '127.0.0.1',
      port: Number(new URL(fake.url).port),
      protocol: 'http',
    });
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });
  beforeEach(() => fake.setAutoDeliver(true));

  async function customer() {
    const client = new Client(t.app);
    await client.signUp(uniqueEmail());
    const userId = (await client.me()).json().id as string;
    return { client, userId };
  }

  async function checkout(client: Client, packageId = 'popular', paymentMethod = 'card') {
    checkoutCounter += 1;
    const response = await client.request({
      method: 'POST',
      url: '/api/payments/intents',
      payload: { packageId, paymentMethod, checkoutId: `checkout-${process.pid}-${checkoutCounter}` },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { paymentIntentId: string; clientSecret: string; amount: number; currency: string };
  }

  const balance = async (client: Client) =>
    (await client.request({ method: 'GET', url: '/api/balance' })).json().credits;
  const purchase = async (client: Client, pi: string) =>
    (await client.request({ method: 'GET', url: `/api/payments/${pi}` })).json();
  const eventFor = (type: string, pi: string) => {
    const event = fake.events.find(
      (e) =>
        e.type === type &&
        ((e.data.object as { id: string }).id === pi ||
          (e.data.object as { payment_intent?: string }).payment_intent === pi),
    );
    if (!event) throw new Error(`no ${type} event for ${pi}`);
    return event;
  };
  async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i += 1) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('timed out waiting');
  }
  async function ledgerBalanced() {
    expect(await createLedger(t.database.db, configSchema.parse({}).billing).verify()).toEqual([]);
  }

  it('offers the configured packages with their discounts and the methods Stripe supports for CNY', async () => {
    const { client } = await customer();
    expect((await client.request({ method: 'GET', url: '/api/config' })).json().payments).toBe(true);
    const options = (await client.request({ method: 'GET', url: '/api/payments/packages' })).json();
    expect(options.publishableKey).toBe('pk_test_tessera');
    expect(options.defaultPackageId).toBe('popular');
    expect(options.methods).toEqual(['card', 'wechat_pay', 'alipay']);
    expect(
      options.packages.map((p: { credits: number; amount: number; discountPercent: number }) => [
        p.credits,
        p.amount,
        p.discountPercent,
      ]),
    ).toEqual([
      [100_000, 1_000, 0],
      [500_000, 3_500, 30],
      [1_000_000, 5_500, 45],
      [10_000_000, 28_000, 72],
    ]);
    expect(options.packages[1]).toMatchObject({
      originalAmount: 5_000,
      pricePer100k: 700,
      popular: true,
      currency: 'cny',
    });
  });

  it('charges the server-side price and returns the same PaymentIntent for the same checkout', async () => {
    const { client, userId } = await customer();
    const checkoutId = `same-${process.pid}-${Date.now()}`;
    const start = () =>
      client.request({
        method: 'POST',
        url: '/api/payments/intents',
        payload: { packageId: 'plus', paymentMethod: 'card', checkoutId },
      });
    const responses = await Promise.all(Array.from({ length: 8 }, start));
    const ids = new Set(responses.map((r) => r.json().paymentIntentId));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(ids.size).toBe(1);
    expect((await start()).json().paymentIntentId).toBe([...ids][0]);

    const intent = await stripe.paymentIntents.retrieve([...ids][0]!);
    expect(intent).toMatchObject({ amount: 5_500, currency: 'cny' });
    expect(intent.metadata).toMatchObject({ userId, packageId: 'plus', credits: '1000000' });
    expect(responses[0]!.json()).toMatchObject({ amount: 5_500, currency: 'cny', clientSecret: intent.client_secret });

    const other = await client.request({
      method: 'POST',
      url: '/api/payments/intents',
      payload: { packageId: 'pro', paymentMethod: 'card', checkoutId },
    });
    expect(other.statusCode).toBe(409);
  });

  it('refuses unknown packages and methods Stripe does not offer here', async () => {
    const { client } = await customer();
    for (const payload of [
      { packageId: 'free-money', paymentMethod: 'card', checkoutId: 'checkout-x1' },
      { packageId: 'popular', paymentMethod: 'crypto', checkoutId: 'checkout-x2' },
      { packageId: 'popular', paymentMethod: 'card', checkoutId: 'x' },
    ]) {
      const response = await client.request({ method: 'POST', url: '/api/payments/intents', payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_ERROR');
    }
  });

  it('answers 502 when Stripe cannot be reached, and the retry works', async () => {
    const { client } = await customer();
    fake.failNext(10, 'drop');
    const payload = { packageId: 'starter', paymentMethod: 'card', checkoutId: `down-${process.pid}` };
    const failed = await client.request({ method: 'POST', url: '/api/payments/intents', payload });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.code).toBe('PAYMENT_PROVIDER_ERROR');
    fake.failNext(0, 'drop');
    const retried = await client.request({ method: 'POST', url: '/api/payments/intents', payload });
    expect(retried.statusCode).toBe(200);
  });

  it('credits the package once its payment succeeds, with a purchase row and a receipt', async () => {
    const { client } = await customer();
    const { paymentIntentId } = await checkout(client);
    expect(await purchase(client, paymentIntentId)).toMatchObject({ status: 'pending', creditedCredits: 0 });
    expect((await client.request({ method: 'GET', url: '/api/payments' })).json().items).toHaveLength(1);

    await fake.succeed(paymentIntentId);
    const receipt = await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'succeeded',
    );
    expect(receipt).toMatchObject({ credits: 500_000, creditedCredits: 500_000, amount: 3_500, currency: 'cny' });
    expect(receipt.paidAt).toEqual(expect.any(String));
    expect(await balance(client)).toBe(START + 500_000);

    const history = (await client.request({ method: 'GET', url: '/api/transactions?kind=purchase' })).json();
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ kind: 'purchase', amount: 500_000, balanceAfter: START + 500_000 });
    expect((await client.request({ method: 'GET', url: '/api/payments' })).json().items[0].paymentIntentId).toBe(
      paymentIntentId,
    );
    await ledgerBalanced();
  });

  it('credits once when the same payment_intent.succeeded arrives 100 times at once', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    const statuses = await fake.deliver(eventFor('payment_intent.succeeded', paymentIntentId).id, { times: 100 });
    expect(statuses).toEqual(Array(100).fill(200));
    expect(await balance(client)).toBe(START + 100_000);
    await ledgerBalanced();
  });

  it('rejects missing, forged and stale signatures with 400 and credits nothing', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    const event = eventFor('payment_intent.succeeded', paymentIntentId);
    for (const signature of ['missing', 'forged', 'stale'] as const) {
      expect(await fake.deliver(event.id, { signature })).toEqual([400]);
    }
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/payments/webhook',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      payload: JSON.stringify(event),
    });
    expect(response.json().error.code).toBe('INVALID_SIGNATURE');
    expect(await balance(client)).toBe(START);
    const [row] = await t.database.db.select().from(purchases).where(eq(purchases.paymentIntentId, paymentIntentId));
    expect(row).toMatchObject({ status: 'pending', paidAt: null });
  });

  it('does not credit a payment whose amount does not match its purchase', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    // The stored price changed under the intent (as if someone tampered with either side).
    await t.database.db.update(purchases).set({ amount: 999 }).where(eq(purchases.paymentIntentId, paymentIntentId));
    await fake.succeed(paymentIntentId);
    expect(await fake.deliver(eventFor('payment_intent.succeeded', paymentIntentId).id)).toEqual([200]);
    expect(await balance(client)).toBe(START);
    expect((await purchase(client, paymentIntentId)).creditedCredits).toBe(0);
  });

  it('reverses the refunded share of the credits, partial then full', async () => {
    const { client } = await customer();
    const { paymentIntentId } = await checkout(client); // 500K for ¥35.00
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => balance(client),
      (b) => b === START + 500_000,
    );

    await fake.refund(paymentIntentId, 1_750);
    const half = await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'partially_refunded',
    );
    expect(half).toMatchObject({ refundedAmount: 1_750, reversedCredits: 250_000 });
    expect(await balance(client)).toBe(START + 250_000);

    await fake.refund(paymentIntentId);
    const full = await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'refunded',
    );
    expect(full).toMatchObject({ refundedAmount: 3_500, reversedCredits: 500_000 });
    expect(await balance(client)).toBe(START);
    const refunds = (await client.request({ method: 'GET', url: '/api/transactions?kind=refund' })).json().items;
    expect(refunds.map((r: { amount: number }) => r.amount)).toEqual([-250_000, -250_000]);
    await ledgerBalanced();
  });

  it('takes back only what the balance still holds when the credits were already spent', async () => {
    const { client, userId } = await customer();
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => balance(client),
      (b) => b === START + 100_000,
    );
    const ledger = createLedger(t.database.db, configSchema.parse({}).billing);
    await ledger.adjust({ userId, amount: -(START + 60_000), kind: 'admin_adjust', key: `spent-${userId}` });

    await fake.refund(paymentIntentId);
    await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'refunded',
    );
    expect(await balance(client)).toBe(0);
    const [row] = await t.database.db
      .select({ uncovered: purchases.uncoveredCredits })
      .from(purchases)
      .where(eq(purchases.paymentIntentId, paymentIntentId));
    expect(toNumber(row!.uncovered)).toBe(60_000);
    await ledgerBalanced();
  });

  it('reverses a disputed purchase and flags it', async () => {
    const { client } = await customer();
    const { paymentIntentId } = await checkout(client, 'plus');
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => balance(client),
      (b) => b === START + 1_000_000,
    );
    await fake.dispute(paymentIntentId);
    const disputed = await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'disputed',
    );
    expect(disputed.reversedCredits).toBe(1_000_000);
    expect(await balance(client)).toBe(START);
    const reversal = (await client.request({ method: 'GET', url: '/api/transactions?kind=reversal' })).json().items;
    expect(reversal).toHaveLength(1);
    await ledgerBalanced();
  });

  it('ends in the same state when a refund arrives before the payment it refunds', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client);
    await fake.succeed(paymentIntentId);
    await fake.refund(paymentIntentId, 700);
    expect(await fake.deliver(eventFor('charge.refunded', paymentIntentId).id)).toEqual([200]);
    expect(await fake.deliver(eventFor('payment_intent.succeeded', paymentIntentId).id)).toEqual([200]);
    expect(await balance(client)).toBe(START + 400_000);
    expect(await purchase(client, paymentIntentId)).toMatchObject({
      status: 'partially_refunded',
      creditedCredits: 500_000,
      reversedCredits: 100_000,
    });
    await ledgerBalanced();
  });

  it('records a declined payment and still credits when the retry succeeds', async () => {
    const { client } = await customer();
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.fail(paymentIntentId, 'card_declined');
    const failed = await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'failed',
    );
    expect(failed).toMatchObject({ failureCode: 'generic_decline', failureMessage: expect.any(String) });
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'succeeded',
    );
    expect(await balance(client)).toBe(START + 100_000);
  });

  it('answers 503 when the database fails mid-webhook, and the retry credits once', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    const db = t.database.db as unknown as { transaction: (fn: (tx: unknown) => Promise<unknown>) => Promise<unknown> };
    const original = db.transaction.bind(db);
    db.transaction = (fn) => {
      db.transaction = original;
      // The work runs, then the connection drops before commit: everything rolls back.
      return original(async (tx) => {
        await fn(tx);
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
      });
    };
    const event = eventFor('payment_intent.succeeded', paymentIntentId);
    expect(await fake.deliver(event.id)).toEqual([503]);
    expect(await balance(client)).toBe(START);
    expect(await fake.deliver(event.id)).toEqual([200]);
    expect(await balance(client)).toBe(START + 100_000);
    await ledgerBalanced();
  });

  it('reconciliation credits a payment whose webhook never came, once, alongside a late webhook', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'plus');
    await fake.succeed(paymentIntentId);
    const store = createPurchases({
      db: t.database.db,
      stripe: createStripeClient(configSchema.parse(paymentsConfig(fake)).payments),
      payments: configSchema.parse(paymentsConfig(fake)).payments,
      ledger: createLedger(t.database.db, configSchema.parse({}).billing),
      log: { warn: () => {}, error: () => {} },
    });
    const [summary, statuses] = await Promise.all([
      store.reconcile(new Date(Date.now() - 3_600_000)),
      fake.deliver(eventFor('payment_intent.succeeded', paymentIntentId).id, { times: 5 }),
    ]);
    expect(statuses).toEqual(Array(5).fill(200));
    expect(summary.checked).toBeGreaterThanOrEqual(1);
    expect(await balance(client)).toBe(START + 1_000_000);
    expect((await store.reconcile(new Date(Date.now() - 3_600_000))).credited).toBe(0);
    await ledgerBalanced();
  });

  it('shows the receipt from Stripe when the webhook is late, and keeps purchases private', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    expect(await purchase(client, paymentIntentId)).toMatchObject({ status: 'succeeded', creditedCredits: 100_000 });
    expect(await balance(client)).toBe(START + 100_000);

    const { client: stranger } = await customer();
    const peek = await stranger.request({ method: 'GET', url: `/api/payments/${paymentIntentId}` });
    expect(peek.statusCode).toBe(404);
    expect((await stranger.request({ method: 'GET', url: '/api/payments' })).json().items).toEqual([]);
  });

  it('asks Stripe once for a flood of lookups of a pending purchase, and again a few seconds later', async () => {
    const { client } = await customer();
    fake.setAutoDeliver(false);
    const { paymentIntentId } = await checkout(client, 'starter');
    const retrieves = () =>
      fake.requests.filter((r) => r.method === 'GET' && r.path === `/v1/payment_intents/${paymentIntentId}`).length;
    const lookup = () => client.request({ method: 'GET', url: `/api/payments/${paymentIntentId}` });

    const concurrent = await Promise.all(Array.from({ length: 30 }, lookup));
    for (let i = 0; i < 20; i += 1) concurrent.push(await lookup());
    expect(concurrent.map((r) => r.json().status)).toEqual(Array(50).fill('pending'));
    expect(retrieves()).toBe(1);

    await fake.succeed(paymentIntentId);
    skewMs += 60_000;
    expect((await lookup()).json()).toMatchObject({ status: 'succeeded', creditedCredits: 100_000 });
    expect(retrieves()).toBe(2);
    await ledgerBalanced();
  });

  it('stops listing a checkout left unpaid for a day, and still credits it if it is paid later', async () => {
    const { client } = await customer();
    const { paymentIntentId } = await checkout(client, 'starter');
    await t.database.db
      .update(purchases)
      .set({ createdAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(eq(purchases.paymentIntentId, paymentIntentId));
    expect((await client.request({ method: 'GET', url: '/api/payments' })).json().items).toEqual([]);
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => balance(client),
      (b) => b === START + 100_000,
    );
    expect((await client.request({ method: 'GET', url: '/api/payments' })).json().items).toHaveLength(1);
  });

  it('keeps the purchase history readable after the Stripe keys are removed', async () => {
    const email = uniqueEmail();
    const client = new Client(t.app);
    await client.signUp(email);
    const { paymentIntentId } = await checkout(client, 'starter');
    await fake.succeed(paymentIntentId);
    await waitFor(
      () => purchase(client, paymentIntentId),
      (p) => p.status === 'succeeded',
    );

    const withoutKeys = await buildApp({
      config: configSchema.parse({ log: { level: 'silent' } }),
      database: t.database,
      secret: TEST_SECRET,
      web: null,
    });
    try {
      const later = new Client(withoutKeys);
      await later.signIn(email);
      expect((await later.request({ method: 'GET', url: `/api/payments/${paymentIntentId}` })).json()).toMatchObject({
        status: 'succeeded',
        creditedCredits: 100_000,
      });
      expect((await later.request({ method: 'GET', url: '/api/payments' })).json().items).toHaveLength(1);
      const start = await later.request({
        method: 'POST',
        url: '/api/payments/intents',
        payload: { packageId: 'starter', paymentMethod: 'card', checkoutId: 'after-keys-removed' },
      });
      expect(start.json().error.code).toBe('PAYMENTS_DISABLED');
    } finally {
      await withoutKeys.close();
    }
  });
});
