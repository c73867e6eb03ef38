import type Stripe from 'stripe';
import type { TestCard } from './cards.ts';
import { cardForFailure, isRedirectType, REDIRECT_TYPES, testCard } from './cards.ts';
import { cardError, invalidRequest, resourceMissing, StripeApiError, unexpectedState } from './errors.ts';
import { newId } from './ids.ts';
import type { NewPaymentIntent } from './objects.ts';
import {
  buildBalanceTransaction,
  buildCharge,
  buildDispute,
  buildPaymentIntent,
  buildPaymentMethod,
  buildRefund,
} from './objects.ts';

/** Who caused a change: the API request (its id and idempotency key end up in the event's `request`). */
export interface RequestInfo {
  id: string | null;
  idempotencyKey: string | null;
  /** Base URL the client reached us on, for `next_action` redirect links. */
  baseUrl: string;
}

export interface FakeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface ConfirmInput {
  /** A PaymentMethod id: a stored `pm_…` or one of Stripe's test ids (`pm_card_visa`, `pm_card_chargeDeclined`, …). */
  paymentMethod?: string;
  /** Inline payment method: `card` (with a test `tok_…` token) or a redirect type (wechat_pay, alipay, crypto). */
  paymentMethodData?: { type: string; token?: string };
  paymentMethodOptions?: Record<string, unknown>;
  paymentMethodTypes?: string[];
  returnUrl?: string | null;
  receiptEmail?: string | null;
}

export type CreateInput = Omit<NewPaymentIntent, 'created'> & { confirm?: ConfirmInput };

export interface UpdateInput {
  amount?: number;
  currency?: string;
  description?: string | null;
  metadata?: Record<string, string>;
  paymentMethod?: string;
  paymentMethodTypes?: string[];
  paymentMethodOptions?: Record<string, unknown>;
  receiptEmail?: string | null;
}

export interface StoreHooks {
  /** Clock for `created` fields, in milliseconds. */
  now(): number;
  apiVersion: string;
  /** How many webhook endpoints a new event is pending for. */
  pendingWebhooks(): number;
  onEvent(event: FakeEvent): void;
}

const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];
const UPDATABLE_ANY_TIME = ['description', 'metadata', 'receiptEmail'];

const clone = <T>(value: T): T => structuredClone(value);

const ZERO_DECIMAL = [
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
];

export function formatAmount(amount: number, currency: string): string {
  if (ZERO_DECIMAL.includes(currency)) return `${amount} ${currency.toUpperCase()}`;
  const value = (amount / 100).toFixed(2);
  return currency === 'usd' ? `$${value}` : `${value} ${currency.toUpperCase()}`;
}

function mergeOptions(base: unknown, extra: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown> | null) };
  for (const [type, options] of Object.entries(extra ?? {})) {
    merged[type] = {
      ...(merged[type] as Record<string, unknown> | undefined),
      ...(options as Record<string, unknown>),
    };
  }
  return Object.keys(merged).length ? merged : null;
}

/** The payment method types the caller allowed, or null when automatic payment methods decide. */
function explicitTypes(pi: Stripe.PaymentIntent): string[] | null {
  return pi.allowed_payment_method_types ?? (pi.automatic_payment_methods?.enabled ? null : pi.payment_method_types);
}

function typeAllowed(pi: Stripe.PaymentIntent, type: string): boolean {
  return explicitTypes(pi)?.includes(type) ?? true;
}

function setTypes(pi: Stripe.PaymentIntent, types: string[]) {
  pi.allowed_payment_method_types = types as Stripe.PaymentIntent.AllowedPaymentMethodType[];
  pi.payment_method_types = types;
}

export class Store {
  readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  readonly charges = new Map<string, Stripe.Charge>();
  readonly refunds = new Map<string, Stripe.Refund>();
  readonly disputes = new Map<string, Stripe.Dispute>();
  readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
  readonly balanceTransactions = new Map<string, Stripe.BalanceTransaction>();
  readonly events = new Map<string, FakeEvent>();
  /** How each stored card PaymentMethod behaves when charged. */
  private readonly cards = new Map<string, TestCard>();
  private readonly returnUrls = new Map<string, string | null>();

  constructor(private readonly hooks: StoreHooks) {}

  reset() {
    for (const map of [
      this.paymentIntents,
      this.charges,
      this.refunds,
      this.disputes,
      this.paymentMethods,
      this.balanceTransactions,
      this.events,
      this.cards,
      this.returnUrls,
    ]) {
      map.clear();
    }
  }

  private now = () => Math.floor(this.hooks.now() / 1000);

  private emit(type: string, object: unknown, req: RequestInfo, previous?: Record<string, unknown>) {
    const event: FakeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: this.hooks.apiVersion,
      created: this.now(),
      data: { object: clone(object), ...(previous && { previous_attributes: previous }) },
      livemode: false,
      pending_webhooks: this.hooks.pendingWebhooks(),
      request: { id: req.id, idempotency_key: req.idempotencyKey },
      type,
    };
    this.events.set(event.id, event);
    this.hooks.onEvent(event);
  }

  /** Any stored object by id (its prefix says which kind), or undefined. */
  find(id: string): { object: string } | undefined {
    for (const map of [
      this.paymentIntents,
      this.charges,
      this.refunds,
      this.disputes,
      this.paymentMethods,
      this.balanceTransactions,
      this.events,
    ]) {
      const found = (map as Map<string, { object: string }>).get(id);
      if (found) return found;
    }
    return undefined;
  }

  paymentIntent(id: string, param = 'intent'): Stripe.PaymentIntent {
    const pi = this.paymentIntents.get(id);
    if (!pi) throw resourceMissing('payment_intent', id, param);
    return pi;
  }

  charge(id: string, param = 'id'): Stripe.Charge {
    const charge = this.charges.get(id);
    if (!charge) throw resourceMissing('charge', id, param);
    return charge;
  }

  createPaymentIntent(input: CreateInput, req: RequestInfo): Stripe.PaymentIntent {
    const { confirm, ...fields } = input;
    const pi = buildPaymentIntent({ ...fields, created: this.now() });
    this.paymentIntents.set(pi.id, pi);
    this.emit('payment_intent.created', pi, req);
    if (confirm) this.confirm(pi.id, confirm, req);
    return pi;
  }

  updatePaymentIntent(id: string, input: UpdateInput): Stripe.PaymentIntent {
    const pi = this.paymentIntent(id);
    const restricted = Object.keys(input).filter((k) => !UPDATABLE_ANY_TIME.includes(k));
    if (restricted.length && !CONFIRMABLE.includes(pi.status)) {
      throw unexpectedState(`You cannot update this PaymentIntent because it has a status of ${pi.status}.`, clone(pi));
    }
    const paymentMethod = input.paymentMethod === undefined ? undefined : this.resolvePaymentMethod(pi, input);
    if (input.amount !== undefined) pi.amount = input.amount;
    if (input.currency !== undefined) pi.currency = input.currency;
    if (input.description !== undefined) pi.description = input.description;
    if (input.metadata !== undefined) pi.metadata = input.metadata;
    if (input.receiptEmail !== undefined) pi.receipt_email = input.receiptEmail;
    if (input.paymentMethodTypes !== undefined) setTypes(pi, input.paymentMethodTypes);
    if (input.paymentMethodOptions !== undefined) {
      pi.payment_method_options = mergeOptions(pi.payment_method_options, input.paymentMethodOptions);
    }
    if (paymentMethod) {
      pi.payment_method = paymentMethod.id;
      if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
    }
    return pi;
  }

  private cardAllowed(pi: Stripe.PaymentIntent) {
    return typeAllowed(pi, 'card');
  }

  private storePaymentMethod(type: string, card?: TestCard): Stripe.PaymentMethod {
    const pm = buildPaymentMethod(type, this.now(), card);
    this.paymentMethods.set(pm.id, pm);
    if (card) this.cards.set(pm.id, card);
    return pm;
  }

  /** The PaymentMethod to pay with; `types` are the payment method types the intent allows (null: any). */
  private resolvePaymentMethod(
    pi: Stripe.PaymentIntent,
    input: ConfirmInput,
    types: string[] | null = explicitTypes(pi),
  ): Stripe.PaymentMethod {
    if (input.paymentMethod !== undefined) {
      const stored = this.paymentMethods.get(input.paymentMethod);
      if (stored) return stored;
      const card = testCard(input.paymentMethod);
      if (!card) throw resourceMissing('PaymentMethod', input.paymentMethod, 'payment_method');
      return this.storePaymentMethod('card', card);
    }
    const data = input.paymentMethodData;
    if (data) {
      if (data.type === 'card') {
        const card = data.token === undefined ? undefined : testCard(data.token);
        if (!card) {
          throw invalidRequest(
            'fake-stripe: card details are not simulated; send payment_method_data[card][token]=tok_visa (or another test token) or payment_method=pm_card_visa',
            'payment_method_data[card]',
          );
        }
        return this.storePaymentMethod('card', card);
      }
      if (isRedirectType(data.type)) return this.storePaymentMethod(data.type);
      throw invalidRequest(
        `fake-stripe: payment method type ${data.type} is not simulated (card, ${REDIRECT_TYPES.join(', ')} are)`,
        'payment_method_data[type]',
      );
    }
    if (typeof pi.payment_method === 'string') {
      const stored = this.paymentMethods.get(pi.payment_method);
      if (stored) return stored;
    }
    const [only, ...others] = types ?? [];
    if (only !== undefined && others.length === 0 && isRedirectType(only)) {
      return this.storePaymentMethod(only);
    }
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
    );
  }

  confirm(id: string, input: ConfirmInput, req: RequestInfo): Stripe.PaymentIntent {
    const pi = this.paymentIntent(id);
    if (!CONFIRMABLE.includes(pi.status)) {
      throw unexpectedState(
        pi.status === 'succeeded'
          ? 'You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.'
          : `You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`,
        clone(pi),
      );
    }
    const types = input.paymentMethodTypes ?? explicitTypes(pi);
    const pm = this.resolvePaymentMethod(pi, input, types);
    if (types && !types.includes(pm.type)) {
      throw invalidRequest(
        `The PaymentMethod provided (${pm.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${types.join(', ')}. Alternatively update the allowed_payment_method_types for this PaymentIntent to include "${pm.type}".`,
        'payment_method',
        'payment_intent_incompatible_payment_method',
      );
    }
    const options = mergeOptions(pi.payment_method_options, input.paymentMethodOptions);
    if (pm.type === 'wechat_pay' && !(options?.wechat_pay as { client?: string } | undefined)?.client) {
      throw invalidRequest(
        'Missing required param: payment_method_options[wechat_pay][client].',
        'payment_method_options[wechat_pay][client]',
        'parameter_missing',
      );
    }
    pi.payment_method_options = options as Stripe.PaymentIntent.PaymentMethodOptions | null;
    if (input.paymentMethodTypes !== undefined) setTypes(pi, input.paymentMethodTypes);
    if (input.receiptEmail !== undefined) pi.receipt_email = input.receiptEmail;
    pi.payment_method = pm.id;
    pi.last_payment_error = null;

    const card = this.cards.get(pm.id);
    if (card) {
      if (card.decline) this.decline(pi, pm, card, req);
      this.succeedWith(pi, pm, req);
      return pi;
    }
    const returnUrl = input.returnUrl ?? null;
    this.returnUrls.set(pi.id, returnUrl);
    const url = new URL(`/_fake/redirect/${pi.id}`, req.baseUrl);
    if (returnUrl !== null) url.searchParams.set('return_url', returnUrl);
    pi.status = 'requires_action';
    pi.next_action = { type: 'redirect_to_url', redirect_to_url: { url: url.href, return_url: returnUrl } };
    this.emit('payment_intent.requires_action', pi, req);
    return pi;
  }

  private succeedWith(pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, req: RequestInfo) {
    const created = this.now();
    const charge = buildCharge(pi, pm, created, null);
    const txn = buildBalanceTransaction(charge.id, 'charge', charge.amount, charge.currency, created);
    charge.balance_transaction = txn.id;
    this.charges.set(charge.id, charge);
    this.balanceTransactions.set(txn.id, txn);
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = charge.id;
    pi.payment_method = pm.id;
    pi.last_payment_error = null;
    pi.next_action = null;
    this.emit('charge.succeeded', charge, req);
    this.emit('payment_intent.succeeded', pi, req);
  }

  /** Record a declined card payment (failed charge, events) and throw the 402 Stripe answers with. */
  private decline(pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod, card: TestCard, req: RequestInfo): never {
    const decline = card.decline!;
    const charge = buildCharge(pi, pm, this.now(), null, {
      code: decline.code,
      message: decline.message,
      ...(decline.decline_code !== undefined && { declineCode: decline.decline_code }),
    });
    this.charges.set(charge.id, charge);
    const fields = {
      charge: charge.id,
      code: decline.code,
      ...(decline.decline_code !== undefined && { decline_code: decline.decline_code }),
      message: decline.message,
      ...(decline.param !== undefined && { param: decline.param }),
    };
    const error = cardError({ ...fields, payment_method: clone(pm) });
    pi.status = 'requires_payment_method';
    pi.latest_charge = charge.id;
    pi.payment_method = null;
    pi.last_payment_error = {
      ...fields,
      ...(error.body.doc_url !== undefined && { doc_url: error.body.doc_url }),
      payment_method: clone(pm),
      type: 'card_error',
    };
    this.emit('charge.failed', charge, req);
    this.emit('payment_intent.payment_failed', pi, req);
    error.body.payment_intent = clone(pi);
    if (req.id !== null) {
      error.body.request_log_url = `https://dashboard.stripe.com/test/logs/${req.id}?t=${this.now()}`;
    }
    throw error;
  }

  /** Finish a pending redirect (`requires_action`): the customer authorized the payment, or did not. */
  completeRedirect(
    id: string,
    success: boolean,
    req: RequestInfo,
  ): { pi: Stripe.PaymentIntent; returnUrl: string | null } {
    const pi = this.paymentIntent(id);
    const returnUrl = this.returnUrls.get(pi.id) ?? null;
    if (pi.status !== 'requires_action' || typeof pi.payment_method !== 'string') return { pi, returnUrl };
    const pm = this.paymentMethods.get(pi.payment_method)!;
    if (success) {
      this.succeedWith(pi, pm, req);
    } else {
      pi.status = 'requires_payment_method';
      pi.next_action = null;
      pi.payment_method = null;
      pi.last_payment_error = {
        code: 'payment_intent_authentication_failure',
        doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
        message:
          'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
        payment_method: clone(pm),
        type: 'invalid_request_error',
      };
      this.emit('payment_intent.payment_failed', pi, req);
    }
    return { pi, returnUrl };
  }

  /** Control API: make a payment succeed by whatever it takes (confirm with a card or a redirect method, authorize). */
  succeed(id: string, paymentMethod: string | undefined, req: RequestInfo): Stripe.PaymentIntent {
    const pi = this.paymentIntent(id);
    if (pi.status === 'requires_action') return this.completeRedirect(id, true, req).pi;
    if (!CONFIRMABLE.includes(pi.status)) {
      throw unexpectedState(`fake-stripe: cannot succeed a PaymentIntent with status ${pi.status}`, clone(pi));
    }
    const choice = paymentMethod ?? (this.cardAllowed(pi) ? 'pm_card_visa' : this.redirectTypeFor(pi));
    this.confirm(id, isRedirectType(choice) ? this.redirectConfirm(pi, choice) : { paymentMethod: choice }, req);
    return this.completeRedirect(id, true, req).pi;
  }

  /** Control API: make a payment fail with a decline code (card) or a failed authorization (redirect methods). */
  fail(id: string, code: string, req: RequestInfo): Stripe.PaymentIntent {
    const pi = this.paymentIntent(id);
    if (pi.status === 'requires_action') return this.completeRedirect(id, false, req).pi;
    if (!CONFIRMABLE.includes(pi.status)) {
      throw unexpectedState(`fake-stripe: cannot fail a PaymentIntent with status ${pi.status}`, clone(pi));
    }
    if (!this.cardAllowed(pi)) {
      this.confirm(id, this.redirectConfirm(pi, this.redirectTypeFor(pi)), req);
      return this.completeRedirect(id, false, req).pi;
    }
    const card = cardForFailure(code);
    if (!card) throw invalidRequest(`fake-stripe: unknown failure code '${code}'`, 'code');
    try {
      this.confirm(id, { paymentMethod: card }, req);
    } catch (error) {
      if (!(error instanceof StripeApiError && error.status === 402)) throw error;
    }
    return pi;
  }

  private redirectTypeFor(pi: Stripe.PaymentIntent): string {
    const types = explicitTypes(pi) ?? pi.payment_method_types;
    const type = types.find(isRedirectType);
    if (!type) {
      throw invalidRequest(`fake-stripe: none of ${types.join(', ')} can be simulated`);
    }
    return type;
  }

  private redirectConfirm(pi: Stripe.PaymentIntent, type: string): ConfirmInput {
    const hasClient = (pi.payment_method_options as { wechat_pay?: { client?: string } } | null)?.wechat_pay?.client;
    return {
      paymentMethodData: { type },
      ...(type === 'wechat_pay' && !hasClient && { paymentMethodOptions: { wechat_pay: { client: 'web' } } }),
    };
  }

  cancel(id: string, reason: string | null, req: RequestInfo): Stripe.PaymentIntent {
    const pi = this.paymentIntent(id);
    if (!CANCELABLE.includes(pi.status)) {
      throw unexpectedState(
        `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
        clone(pi),
      );
    }
    pi.status = 'canceled';
    pi.canceled_at = this.now();
    pi.cancellation_reason = reason as Stripe.PaymentIntent.CancellationReason | null;
    pi.next_action = null;
    this.emit('payment_intent.canceled', pi, req);
    return pi;
  }

  /** The charge a refund or dispute applies to: the given charge, or the PaymentIntent's successful one. */
  private chargeFor(target: { paymentIntent?: string; charge?: string }, action: string): Stripe.Charge {
    let charge: Stripe.Charge | undefined;
    if (target.charge !== undefined) charge = this.charge(target.charge, 'charge');
    if (target.paymentIntent !== undefined) {
      const pi = this.paymentIntent(target.paymentIntent, 'payment_intent');
      if (charge && charge.payment_intent !== pi.id) {
        throw invalidRequest(`Charge ${charge.id} does not belong to PaymentIntent ${pi.id}.`, 'charge');
      }
      const latest = typeof pi.latest_charge === 'string' ? this.charges.get(pi.latest_charge) : undefined;
      if (!charge && (pi.status !== 'succeeded' || !latest)) {
        throw invalidRequest(
          `This PaymentIntent (${pi.id}) does not have a successful charge to ${action}.`,
          'payment_intent',
        );
      }
      charge ??= latest;
    }
    if (!charge) {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    }
    if (charge.status !== 'succeeded') {
      throw invalidRequest(`Charge ${charge.id} has not succeeded; there is nothing to ${action}.`, 'charge');
    }
    return charge;
  }

  refund(
    target: { paymentIntent?: string; charge?: string },
    amount: number | undefined,
    options: { reason?: Stripe.Refund.Reason | null; metadata?: Record<string, string> },
    req: RequestInfo,
  ): Stripe.Refund {
    const charge = this.chargeFor(target, 'refund');
    if (charge.disputed) {
      throw invalidRequest(
        `Charge ${charge.id} has been charged back; cannot issue a refund.`,
        undefined,
        'charge_disputed',
      );
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) {
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    }
    const value = amount ?? remaining;
    if (value > remaining) {
      const which = charge.amount_refunded === 0 ? 'charge amount' : 'unrefunded amount on charge';
      throw invalidRequest(
        `Refund amount (${formatAmount(value, charge.currency)}) is greater than ${which} (${formatAmount(remaining, charge.currency)})`,
        'amount',
        'amount_too_large',
      );
    }
    const created = this.now();
    const txn = buildBalanceTransaction('', 'refund', -value, charge.currency, created);
    const refund = buildRefund(charge, value, created, txn.id, options.reason ?? null, options.metadata ?? {});
    txn.source = refund.id;
    this.balanceTransactions.set(txn.id, txn);
    this.refunds.set(refund.id, refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += value;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.emit('charge.refunded', charge, req, previous);
    this.emit('refund.created', refund, req);
    return refund;
  }

  dispute(paymentIntent: string, options: { amount?: number; reason?: string }, req: RequestInfo): Stripe.Dispute {
    const charge = this.chargeFor({ paymentIntent }, 'dispute');
    if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`);
    const dispute = buildDispute(charge, options.amount ?? charge.amount, options.reason ?? 'fraudulent', this.now());
    this.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    this.emit('charge.dispute.created', dispute, req);
    return dispute;
  }
}
