import type Stripe from 'stripe';
import type { TestCard } from './cards.ts';
import { newId, randomToken } from './ids.ts';

/** Builders for Stripe's object shapes, typed against the installed `stripe` package so the shapes stay honest. */

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  created: number;
  metadata: Record<string, string>;
  description: string | null;
  /** The types the caller allowed (`allowed_payment_method_types`, or `payment_method_types` before API 2026-10);
   * null leaves the choice to automatic payment methods. */
  paymentMethodTypes: string[] | null;
  automatic: boolean;
  paymentMethodOptions: Stripe.PaymentIntent.PaymentMethodOptions | null;
  receiptEmail: string | null;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  statementDescriptor: string | null;
  statementDescriptorSuffix: string | null;
  transferGroup: string | null;
}

export function buildPaymentIntent(p: NewPaymentIntent): Stripe.PaymentIntent {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: p.paymentMethodTypes as Stripe.PaymentIntent.AllowedPaymentMethodType[] | null,
    amount: p.amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: p.automatic ? { allow_redirects: 'always', enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: p.created,
    currency: p.currency,
    customer: null,
    customer_account: null,
    description: p.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: p.paymentMethodOptions,
    payment_method_types: p.paymentMethodTypes ?? ['card'],
    payment_record: null,
    processing: null,
    receipt_email: p.receiptEmail,
    review: null,
    setup_future_usage: p.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: p.statementDescriptor,
    statement_descriptor_suffix: p.statementDescriptorSuffix,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: p.transferGroup,
  };
}

/** The fields Stripe returns when a PaymentIntent is read with a publishable key and its client secret. */
const PUBLISHABLE_FIELDS = [
  'id',
  'object',
  'amount',
  'amount_details',
  'automatic_payment_methods',
  'canceled_at',
  'cancellation_reason',
  'capture_method',
  'client_secret',
  'confirmation_method',
  'created',
  'currency',
  'description',
  'last_payment_error',
  'livemode',
  'next_action',
  'payment_method',
  'payment_method_configuration_details',
  'payment_method_types',
  'processing',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'source',
  'status',
] as const;

export function publishableView(pi: Stripe.PaymentIntent): Partial<Stripe.PaymentIntent> {
  return Object.fromEntries(PUBLISHABLE_FIELDS.filter((k) => k in pi).map((k) => [k, pi[k]]));
}

const emptyBillingDetails = (): Stripe.PaymentMethod.BillingDetails => ({
  address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
  email: null,
  name: null,
  phone: null,
  tax_id: null,
});

export function buildPaymentMethod(type: string, created: number, card?: TestCard): Stripe.PaymentMethod {
  const pm: Stripe.PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: emptyBillingDetails(),
    created,
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: type as Stripe.PaymentMethod.Type,
  };
  if (card) {
    pm.card = {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'unchecked' },
      country: card.country,
      display_brand: card.brand,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      fingerprint: randomToken(16),
      funding: card.funding,
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    } as Stripe.PaymentMethod.Card;
  } else {
    (pm as unknown as Record<string, unknown>)[type] = {};
  }
  return pm;
}

function paymentMethodDetails(pm: Stripe.PaymentMethod): Stripe.Charge.PaymentMethodDetails {
  if (pm.card) {
    const { brand, country, exp_month, exp_year, fingerprint, funding, last4 } = pm.card;
    return {
      type: 'card',
      card: {
        amount_authorized: null,
        authorization_code: null,
        brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country,
        exp_month,
        exp_year,
        fingerprint,
        funding,
        last4,
        network: brand,
        network_token: { used: false },
        three_d_secure: null,
        wallet: null,
      },
    } as Stripe.Charge.PaymentMethodDetails;
  }
  const details =
    pm.type === 'wechat_pay'
      ? { fingerprint: randomToken(16), transaction_id: randomToken(28) }
      : pm.type === 'alipay'
        ? { buyer_id: randomToken(16), fingerprint: randomToken(16), transaction_id: randomToken(28) }
        : {};
  return { type: pm.type, [pm.type]: details } as Stripe.Charge.PaymentMethodDetails;
}

export interface ChargeFailure {
  code: string;
  message: string;
  declineCode?: string;
}

export function buildCharge(
  pi: Stripe.PaymentIntent,
  pm: Stripe.PaymentMethod,
  created: number,
  balanceTransaction: string | null,
  failure?: ChargeFailure,
): Stripe.Charge {
  const id = newId('ch');
  const succeeded = failure === undefined;
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: balanceTransaction,
    billing_details: emptyBillingDetails(),
    calculated_statement_descriptor: 'TESSERA',
    captured: succeeded,
    created,
    currency: pi.currency,
    customer: null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: succeeded
      ? {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'approved_by_network',
          reason: null,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'Payment complete.',
          type: 'authorized',
        }
      : {
          advice_code: null,
          network_advice_code: null,
          network_decline_code: null,
          network_status: 'declined_by_network',
          reason: failure.declineCode ?? failure.code,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        },
    paid: succeeded,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: paymentMethodDetails(pm),
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.com/receipts/payment/${randomToken(40)}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: pi.transfer_group,
  };
}

/** Stripe's US card pricing (2.9% + 30¢) is as good a made-up fee as any. */
const feeFor = (amount: number) => Math.round(amount * 0.029) + 30;

export function buildBalanceTransaction(
  source: string,
  type: 'charge' | 'refund',
  amount: number,
  currency: string,
  created: number,
): Stripe.BalanceTransaction {
  const fee = type === 'charge' ? feeFor(amount) : 0;
  return {
    id: newId('txn'),
    object: 'balance_transaction',
    amount,
    available_on: created + 2 * 86_400,
    balance_type: 'payments',
    created,
    currency,
    description: null,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [{ amount: fee, application: null, currency, description: 'Stripe processing fees', type: 'stripe_fee' }]
      : [],
    net: amount - fee,
    reporting_category: type,
    source,
    status: 'pending',
    type,
  };
}

export function buildRefund(
  charge: Stripe.Charge,
  amount: number,
  created: number,
  balanceTransaction: string,
  reason: Stripe.Refund.Reason | null,
  metadata: Record<string, string>,
): Stripe.Refund {
  return {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: balanceTransaction,
    charge: charge.id,
    created,
    currency: charge.currency,
    customer: null,
    customer_account: null,
    destination_details: { type: charge.payment_method_details?.type ?? 'card' } as Stripe.Refund.DestinationDetails,
    metadata,
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    payment_method: charge.payment_method,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}

export function buildDispute(charge: Stripe.Charge, amount: number, reason: string, created: number): Stripe.Dispute {
  return {
    id: newId('dp'),
    object: 'dispute',
    amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: {} as Stripe.Dispute.Evidence,
    evidence_details: {
      due_by: created + 7 * 86_400,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: null,
    } as unknown as Stripe.Dispute.EvidenceDetails,
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === 'string' ? charge.payment_intent : null,
    reason,
    status: 'needs_response',
  };
}
