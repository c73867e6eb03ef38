import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNotNull, isNull, ne, or } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type Stripe from 'stripe';
import type { CreateIntentRequest, CreateIntentResponse, Purchase } from '@tessera/shared';
import type { Db } from '../db/client.ts';
import { purchases } from '../db/schema.ts';
import { toNumber } from '../db/sql.ts';
import { AppError, validationError } from '../http/errors.ts';
import type { Clock, Ledger } from '../billing/ledger.ts';
import { findPackage, methodsFor } from './packages.ts';
import { stripeCall, type PaymentsConfig } from './stripe.ts';

type PurchaseRow = typeof purchases.$inferSelect;

const ABANDONED_AFTER_MS = 24 * 3_600_000;
/** A receipt page polls while it waits; its lookups (and a flood of them) share one Stripe call this long. */
const STRIPE_CHECK_TTL_MS = 2_000;

/** What Stripe told us about a PaymentIntent, from a webhook event or from its API. */
export interface PaymentFacts {
  paymentIntentId: string;
  /** The charge as Stripe saw it, checked against the purchase before anything is credited. */
  observed: { amount: number; currency: string; livemode: boolean };
  /** Our purchase id from the intent's metadata: finds a purchase whose intent id was never saved. */
  purchaseId?: string;
  paid?: boolean;
  failure?: { code: string; message: string };
  canceled?: boolean;
  /** Cumulative minor units refunded so far. */
  refundedAmount?: number;
  disputeId?: string;
}

/** Where payment problems are reported (the server's logger, or the console in the admin CLI). */
export interface PaymentLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export type ApplyOutcome = 'applied' | 'unchanged' | 'unknown' | 'mismatch';

function toPurchase(row: PurchaseRow): Purchase {
  return {
    id: row.id,
    paymentIntentId: row.paymentIntentId,
    packageId: row.packageId,
    credits: toNumber(row.credits),
    amount: row.amount,
    currency: row.currency,
    paymentMethod: row.paymentMethod,
    status: row.status,
    creditedCredits: toNumber(row.creditedCredits),
    reversedCredits: toNumber(row.reversedCredits),
    refundedAmount: row.refundedAmount,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    createdAt: row.createdAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
  };
}

function statusOf(row: Pick<PurchaseRow, 'paidAt' | 'disputeId' | 'refundedAmount' | 'amount' | 'status'>) {
  if (row.paidAt) {
    if (row.disputeId) return 'disputed';
    if (row.refundedAmount >= row.amount) return 'refunded';
    if (row.refundedAmount > 0) return 'partially_refunded';
    return 'succeeded';
  }
  return row.status;
}

/** The facts a PaymentIntent carries about itself (what the API or a payment_intent.* event says). */
export function factsFromIntent(intent: Stripe.PaymentIntent): PaymentFacts {
  const facts: PaymentFacts = {
    paymentIntentId: intent.id,
    observed: { amount: intent.amount, currency: intent.currency, livemode: intent.livemode },
    purchaseId: intent.metadata?.tesseraPurchaseId,
  };
  if (intent.status === 'succeeded') facts.paid = true;
  else if (intent.status === 'canceled') facts.canceled = true;
  else if (intent.last_payment_error) {
    const error = intent.last_payment_error;
    facts.failure = {
      code: error.decline_code ?? error.code ?? 'payment_failed',
      message: error.message ?? 'The payment failed',
    };
  }
  return facts;
}

export function createPurchases(deps: {
  db: Db;
  /** Null when Stripe is not configured: the purchase history stays readable, nothing new can start. */
  stripe: Stripe | null;
  payments: PaymentsConfig;
  ledger: Ledger;
  log: PaymentLog;
  clock?: Clock;
}) {
  const { db, payments, ledger, log } = deps;
  const stripe = () => {
    if (!deps.stripe) throw new AppError('PAYMENTS_DISABLED', 'Buying credits is not set up on this server');
    return deps.stripe;
  };
  const clock = deps.clock ?? (() => new Date());
  /** Pending purchase → whether asking Stripe about it changed it. */
  const stripeChecks = new LRUCache<string, Promise<boolean>>({
    max: 10_000,
    ttl: STRIPE_CHECK_TTL_MS,
    perf: { now: () => clock().getTime() },
  });
  const livemode = payments.stripe.secretKey?.includes('_live_') ?? false;

  async function createIntent(row: PurchaseRow): Promise<Stripe.PaymentIntent> {
    const method = row.paymentMethod as Purchase['paymentMethod'];
    return stripeCall(() =>
      stripe().paymentIntents.create(
        {
          amount: row.amount,
          currency: row.currency,
          allowed_payment_method_types: [method],
          ...(method === 'wechat_pay' && { payment_method_options: { wechat_pay: { client: 'web' } } }),
          description: `Tessera: ${toNumber(row.credits).toLocaleString('en-US')} credits`,
          metadata: {
            tesseraPurchaseId: row.id,
            userId: row.userId,
            packageId: row.packageId,
            credits: String(row.credits),
          },
        },
        // A double click, a retry or two instances racing on one checkout all get the same intent.
        { idempotencyKey: `tessera-purchase-${row.id}` },
      ),
    );
  }

  /** Finds the purchase an event is about, attaching the intent id if a crash kept it from being saved. */
  async function lockPurchase(tx: Pick<Db, 'select' | 'update'>, facts: PaymentFacts) {
    const [row] = await tx
      .select()
      .from(purchases)
      .where(eq(purchases.paymentIntentId, facts.paymentIntentId))
      .for('update');
    if (row || !facts.purchaseId) return row;
    const [orphan] = await tx
      .update(purchases)
      .set({ paymentIntentId: facts.paymentIntentId })
      .where(and(eq(purchases.id, facts.purchaseId), isNull(purchases.paymentIntentId)))
      .returning();
    return orphan;
  }

  /**
   * Brings a purchase and the ledger in line with what Stripe reported, in one database transaction
   * holding the purchase's row lock. Every fact only ever moves forward (paid stays paid, refunds only
   * grow), so duplicate, concurrent and out-of-order deliveries all end in the same state, and the
   * ledger rows' unique keys make a second credit impossible even if that reasoning were wrong.
   */
  async function apply(facts: PaymentFacts): Promise<ApplyOutcome> {
    const now = clock();
    // The balance row must exist before the transaction: opening it inside would wait on our own lock.
    const [owner] = await db
      .select({ userId: purchases.userId })
      .from(purchases)
      .where(
        facts.purchaseId
          ? or(eq(purchases.paymentIntentId, facts.paymentIntentId), eq(purchases.id, facts.purchaseId))
          : eq(purchases.paymentIntentId, facts.paymentIntentId),
      );
    if (owner) await ledger.openAccount(owner.userId);
    return db.transaction(async (tx) => {
      const row = await lockPurchase(tx, facts);
      if (!row) return 'unknown';
      const { observed } = facts;
      if (observed.amount !== row.amount || observed.currency !== row.currency || observed.livemode !== livemode) {
        log.error(
          { paymentIntentId: facts.paymentIntentId, purchaseId: row.id, observed, expected: row },
          'Stripe reported a payment that does not match its purchase; nothing credited',
        );
        await tx.update(purchases).set({ flaggedReason: 'mismatch', updatedAt: now }).where(eq(purchases.id, row.id));
        return 'mismatch';
      }

      const paid = Boolean(row.paidAt) || Boolean(facts.paid) || !!facts.refundedAmount || !!facts.disputeId;
      const next = {
        paidAt: row.paidAt ?? (paid ? now : null),
        refundedAmount: Math.min(row.amount, Math.max(row.refundedAmount, facts.refundedAmount ?? 0)),
        disputeId: row.disputeId ?? facts.disputeId ?? null,
        creditedCredits: toNumber(row.creditedCredits),
        reversedCredits: toNumber(row.reversedCredits),
        uncoveredCredits: toNumber(row.uncoveredCredits),
        failureCode: row.failureCode,
        failureMessage: row.failureMessage,
        flaggedReason: row.flaggedReason,
        status: row.status,
      };
      const credits = toNumber(row.credits);
      const pi = facts.paymentIntentId;
      let changed = false;

      if (paid && next.creditedCredits === 0) {
        await ledger.creditPurchase(tx, {
          userId: row.userId,
          credits,
          paymentIntentId: pi,
          description: `Bought ${credits.toLocaleString('en-US')} credits`,
          at: now,
        });
        next.creditedCredits = credits;
        changed = true;
      }

      const owed = !paid ? 0 : next.disputeId ? credits : Math.floor((credits * next.refundedAmount) / row.amount);
      const toReverse = owed - next.reversedCredits;
      if (toReverse > 0) {
        const kind = next.disputeId ? 'reversal' : 'refund';
        const taken = await ledger.takeBack(tx, {
          userId: row.userId,
          upTo: toReverse,
          kind,
          key: `${kind}:${pi}:${owed}`,
          description:
            kind === 'reversal'
              ? `Disputed payment ${next.disputeId}`
              : `Refund of ${next.refundedAmount} ${row.currency}`,
          paymentIntentId: pi,
          at: now,
        });
        next.reversedCredits = owed;
        next.uncoveredCredits += toReverse - taken;
        if (toReverse > taken) {
          log.warn({ purchaseId: row.id, uncovered: toReverse - taken }, 'A reversal exceeded the balance; recorded');
        }
        changed = true;
      }

      if (!paid && facts.failure) {
        next.failureCode = facts.failure.code;
        next.failureMessage = facts.failure.message;
        next.status = 'failed';
      }
      if (!paid && facts.canceled) next.status = 'canceled';
      if (next.disputeId && !row.disputeId) next.flaggedReason = 'dispute';
      next.status = statusOf({ ...next, amount: row.amount });

      changed ||=
        next.status !== row.status ||
        next.refundedAmount !== row.refundedAmount ||
        next.failureCode !== row.failureCode ||
        next.disputeId !== row.disputeId;
      if (!changed) return 'unchanged';
      await tx
        .update(purchases)
        .set({ ...next, updatedAt: now })
        .where(eq(purchases.id, row.id));
      return 'applied';
    });
  }

  async function ownRow(userId: string, paymentIntentId: string): Promise<PurchaseRow> {
    const [row] = await db
      .select()
      .from(purchases)
      .where(and(eq(purchases.userId, userId), eq(purchases.paymentIntentId, paymentIntentId)));
    if (!row) throw new AppError('NOT_FOUND', 'No such purchase');
    return row;
  }

  return {
    apply,

    /** Creates (or, for the same checkoutId, returns) the PaymentIntent of a checkout. */
    async startCheckout(userId: string, request: CreateIntentRequest): Promise<CreateIntentResponse> {
      const pkg = findPackage(payments, request.packageId);
      if (!pkg) throw validationError([{ field: 'packageId', message: 'No such package' }]);
      if (!methodsFor(payments).includes(request.paymentMethod)) {
        throw validationError([{ field: 'paymentMethod', message: 'This payment method is not offered' }]);
      }
      await db
        .insert(purchases)
        .values({
          id: randomUUID(),
          userId,
          checkoutId: request.checkoutId,
          packageId: pkg.id,
          credits: pkg.credits,
          amount: pkg.amount,
          currency: payments.currency,
          paymentMethod: request.paymentMethod,
        })
        .onConflictDoNothing();
      const [row] = await db
        .select()
        .from(purchases)
        .where(and(eq(purchases.userId, userId), eq(purchases.checkoutId, request.checkoutId)));
      if (!row) throw new AppError('CONFLICT', 'The checkout could not be started; try again');
      if (row.packageId !== request.packageId || row.paymentMethod !== request.paymentMethod) {
        throw new AppError('CONFLICT', 'This checkout was started for another package or payment method');
      }
      if (!['pending', 'failed'].includes(row.status)) {
        throw new AppError('CONFLICT', 'This checkout is finished; start a new one');
      }
      const intent = row.paymentIntentId
        ? await stripeCall(() => stripe().paymentIntents.retrieve(row.paymentIntentId!))
        : await createIntent(row);
      if (!row.paymentIntentId) {
        await db
          .update(purchases)
          .set({ paymentIntentId: intent.id })
          .where(and(eq(purchases.id, row.id), isNull(purchases.paymentIntentId)));
      }
      return {
        paymentIntentId: intent.id,
        clientSecret: intent.client_secret!,
        amount: row.amount,
        currency: row.currency,
      };
    },

    /**
     * The server's record of a purchase. While it waits for its webhook, Stripe is asked directly, so
     * a receipt does not depend on webhook delivery (applying the same facts twice changes nothing).
     */
    async get(userId: string, paymentIntentId: string): Promise<Purchase> {
      const row = await ownRow(userId, paymentIntentId);
      if ((row.status !== 'pending' && row.status !== 'failed') || !deps.stripe) return toPurchase(row);
      const client = deps.stripe;
      let check = stripeChecks.get(paymentIntentId);
      if (!check) {
        check = client.paymentIntents.retrieve(paymentIntentId).then(
          async (intent) => (await apply(factsFromIntent(intent))) === 'applied',
          (error: unknown) => {
            log.warn({ err: error, paymentIntentId }, 'Could not ask Stripe about a pending purchase');
            return false;
          },
        );
        stripeChecks.set(paymentIntentId, check);
      }
      if (await check) return toPurchase(await ownRow(userId, paymentIntentId));
      return toPurchase(row);
    },

    /** Newest first; checkouts left unpaid for a day are abandoned and not listed (a late payment still credits). */
    async list(userId: string, limit = 100): Promise<Purchase[]> {
      const abandoned = new Date(clock().getTime() - ABANDONED_AFTER_MS);
      const rows = await db
        .select()
        .from(purchases)
        .where(
          and(
            eq(purchases.userId, userId),
            isNotNull(purchases.paymentIntentId),
            or(ne(purchases.status, 'pending'), gt(purchases.createdAt, abandoned)),
          ),
        )
        .orderBy(desc(purchases.createdAt))
        .limit(limit);
      return rows.map(toPurchase);
    },

    /** Credits succeeded PaymentIntents created since `since` whose webhook never arrived. */
    async reconcile(since: Date): Promise<{ checked: number; credited: number; unknown: number }> {
      const summary = { checked: 0, credited: 0, unknown: 0 };
      const intents = stripe().paymentIntents.list({
        created: { gte: Math.floor(since.getTime() / 1000) },
        limit: 100,
      });
      for await (const intent of intents) {
        if (intent.status !== 'succeeded' || !intent.metadata?.tesseraPurchaseId) continue;
        summary.checked += 1;
        const outcome = await apply(factsFromIntent(intent));
        if (outcome === 'applied') summary.credited += 1;
        if (outcome === 'unknown') summary.unknown += 1;
      }
      return summary;
    },
  };
}

export type Purchases = ReturnType<typeof createPurchases>;
