import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type Stripe from 'stripe';
import { z } from 'zod';
import {
  createIntentRequestSchema,
  createIntentResponseSchema,
  errorBodySchema,
  paymentIntentParamsSchema,
  paymentOptionsSchema,
  purchaseListSchema,
  purchaseSchema,
} from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
import type { Clock, Ledger } from '../billing/ledger.ts';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../http/errors.ts';
import { paymentOptions } from './packages.ts';
import { createPurchases, factsFromIntent, type ApplyOutcome, type PaymentFacts, type Purchases } from './purchases.ts';
import { createStripeClient, paymentsConfigured, type PaymentsConfig } from './stripe.ts';

/** What each webhook event we act on says about its PaymentIntent; null for events we ignore. */
async function factsFromEvent(event: Stripe.Event, stripe: Stripe): Promise<PaymentFacts | null> {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled':
      return factsFromIntent(event.data.object);
    case 'charge.refunded': {
      const charge = event.data.object;
      if (!charge.payment_intent) return null;
      return {
        paymentIntentId: typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent.id,
        observed: { amount: charge.amount, currency: charge.currency, livemode: charge.livemode },
        refundedAmount: charge.amount_refunded,
      };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      const charge =
        typeof dispute.charge === 'string' ? await stripe.charges.retrieve(dispute.charge) : dispute.charge;
      if (!charge.payment_intent) return null;
      return {
        paymentIntentId: typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent.id,
        observed: { amount: charge.amount, currency: charge.currency, livemode: dispute.livemode },
        disputeId: dispute.id,
      };
    }
    default:
      return null;
  }
}

export async function paymentRoutes(
  app: FastifyInstance,
  { payments, purchases, stripe }: { payments: PaymentsConfig; purchases: Purchases; stripe: Stripe | null },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const enabled = () => {
    if (!stripe) throw new AppError('PAYMENTS_DISABLED', 'Buying credits is not set up on this server');
    return stripe;
  };
  const perUser = app.createRateLimit({
    max: 30,
    timeWindow: 60_000,
    keyGenerator: (request) => `payments:intents:${request.user?.id ?? request.ip}`,
  });
  async function limitCheckouts(request: FastifyRequest) {
    const limit = await perUser(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new AppError('RATE_LIMITED', 'Too many checkouts started; wait a minute', {
        retryAfterSeconds: Math.ceil(limit.ttlInSeconds),
      });
    }
  }

  api.get(
    '/api/payments/packages',
    {
      onRequest: requireUser,
      schema: {
        tags: ['payments'],
        summary: 'Credit packages for sale and the payment methods offered',
        response: { 200: paymentOptionsSchema, 503: errorBodySchema },
      },
    },
    async () => {
      enabled();
      return paymentOptions(payments);
    },
  );

  api.post(
    '/api/payments/intents',
    {
      onRequest: requireUser,
      preHandler: limitCheckouts,
      schema: {
        tags: ['payments'],
        summary: 'Start (or resume, for the same checkoutId) paying for a package',
        body: createIntentRequestSchema,
        response: { 200: createIntentResponseSchema, 409: errorBodySchema, 502: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      enabled();
      return purchases.startCheckout(request.user!.id, request.body);
    },
  );

  api.get(
    '/api/payments',
    {
      onRequest: requireUser,
      schema: {
        tags: ['payments'],
        summary: "The user's purchases, newest first",
        response: { 200: purchaseListSchema },
      },
    },
    async (request) => ({ items: await purchases.list(request.user!.id) }),
  );

  api.get(
    '/api/payments/:paymentIntentId',
    {
      onRequest: requireUser,
      schema: {
        tags: ['payments'],
        summary: "The server's record of one purchase (credited once its status is succeeded)",
        params: paymentIntentParamsSchema,
        response: { 200: purchaseSchema, 404: errorBodySchema },
      },
    },
    async (request) => purchases.get(request.user!.id, request.params.paymentIntentId),
  );

  // Stripe signs the exact bytes it sent, so this route keeps the body raw.
  await app.register(async (webhook) => {
    webhook.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    webhook.withTypeProvider<ZodTypeProvider>().post(
      '/api/payments/webhook',
      {
        schema: {
          tags: ['payments'],
          summary: "Stripe's webhook (signed; payment_intent.*, charge.refunded, charge.dispute.created)",
          response: { 200: z.object({ received: z.literal(true) }), 400: errorBodySchema, 503: errorBodySchema },
        },
      },
      async (request) => {
        const client = enabled();
        const signature = request.headers['stripe-signature'];
        const body = request.body;
        if (typeof signature !== 'string' || !Buffer.isBuffer(body)) {
          throw new AppError('INVALID_SIGNATURE', 'The Stripe-Signature header or the body is missing');
        }
        let event: Stripe.Event;
        try {
          event = client.webhooks.constructEvent(body, signature, payments.stripe.webhookSecret!);
        } catch {
          throw new AppError('INVALID_SIGNATURE', 'The webhook signature does not match or is too old');
        }
        const facts = await factsFromEvent(event, client);
        const outcome: ApplyOutcome | 'ignored' = facts ? await purchases.apply(facts) : 'ignored';
        request.log.info({ eventId: event.id, type: event.type, outcome }, 'Stripe webhook');
        return { received: true as const };
      },
    );
  });
}

/**
 * Buy Tokens on the server, registered from app.ts in one line: the Stripe client (when the keys are
 * set), purchases (crediting through the ledger's API) and their routes.
 */
export async function paymentsPlugin(
  app: FastifyInstance,
  { config, db, ledger, clock }: { config: Config; db: Db; ledger: Ledger; clock?: Clock },
) {
  const stripe = paymentsConfigured(config) ? createStripeClient(config.payments) : null;
  const purchases = createPurchases({ db, stripe, payments: config.payments, ledger, log: app.log, clock });
  await app.register(paymentRoutes, { payments: config.payments, purchases, stripe });
}
