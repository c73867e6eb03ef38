import type Stripe from 'stripe';
import { invalidRequest, parameterMissing, resourceMissing, StripeApiError } from './errors.ts';
import { expand, expandList } from './expand.ts';
import type { FormObject, FormValue } from './form.ts';
import { formList } from './form.ts';
import { paginate } from './list.ts';
import { publishableView } from './objects.ts';
import {
  applyMetadata,
  checkKnown,
  expandPaths,
  nullableString,
  optionalBoolean,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  requiredString,
} from './params.ts';
import type { ConfirmInput, RequestInfo, Store, UpdateInput } from './store.ts';

/** The Stripe REST endpoints (`/v1/…`): parameter parsing and validation in front of the store. */

export interface ApiRequest {
  params: FormObject;
  /** The key authenticated the request as secret or publishable. */
  publishable: boolean;
  info: RequestInfo;
  /** Path captures, e.g. the PaymentIntent id. */
  args: string[];
}

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** A publishable key may call this route with the object's `client_secret` (what Stripe.js does). */
  publishable?: boolean;
  handle: (req: ApiRequest) => unknown;
}

const PI_CREATE = [
  'allowed_payment_method_types',
  'amount',
  'currency',
  'automatic_payment_methods',
  'capture_method',
  'confirm',
  'confirmation_method',
  'customer',
  'description',
  'error_on_requires_action',
  'expand',
  'metadata',
  'off_session',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'payment_method_types',
  'receipt_email',
  'return_url',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_group',
  'use_stripe_sdk',
  'excluded_payment_method_types',
  'radar_options',
  'mandate_data',
];
const PI_UPDATE = [
  'allowed_payment_method_types',
  'amount',
  'currency',
  'description',
  'expand',
  'metadata',
  'payment_method',
  'payment_method_options',
  'payment_method_types',
  'receipt_email',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'transfer_group',
];
const PI_CONFIRM = [
  'allowed_payment_method_types',
  'client_secret',
  'error_on_requires_action',
  'expand',
  'mandate_data',
  'off_session',
  'payment_method',
  'payment_method_data',
  'payment_method_options',
  'payment_method_types',
  'radar_options',
  'receipt_email',
  'return_url',
  'setup_future_usage',
  'shipping',
  'use_stripe_sdk',
];
const LIST = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'];
const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

/** Smallest charge per currency (https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts), in minor units. */
const MINIMUM_AMOUNT: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  cad: 50,
  aud: 50,
  chf: 50,
  sgd: 50,
  hkd: 400,
  cny: 400,
  jpy: 50,
  inr: 50,
};

function amountParam(params: FormObject, currency: string): number {
  const amount = optionalInteger(params, 'amount', 1);
  if (amount === undefined) throw parameterMissing('amount');
  const minimum = MINIMUM_AMOUNT[currency] ?? 1;
  if (amount < minimum) {
    throw invalidRequest(
      `Amount must be at least ${currency === 'usd' ? `$${(minimum / 100).toFixed(2)}` : `${minimum}`} ${currency}`,
      'amount',
      'amount_too_small',
    );
  }
  if (amount > 99_999_999) throw invalidRequest('Amount must be no more than 99999999', 'amount', 'amount_too_large');
  return amount;
}

function currencyParam(params: FormObject): string {
  const currency = requiredString(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, 'currency');
  return currency;
}

/** `allowed_payment_method_types` (API 2026-10 and later) or the older `payment_method_types`. */
function typesParam(params: FormObject): string[] | undefined {
  const allowed = optionalStringList(params, 'allowed_payment_method_types');
  const legacy = optionalStringList(params, 'payment_method_types');
  if (allowed && legacy) {
    throw invalidRequest(
      'You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.',
      undefined,
      'parameters_exclusive',
    );
  }
  const types = allowed ?? legacy;
  if (types?.length === 0)
    throw invalidRequest('Invalid array', allowed ? 'allowed_payment_method_types' : 'payment_method_types');
  return types;
}

function plain(value: FormObject | undefined): Record<string, unknown> | undefined {
  return value === undefined ? undefined : (structuredClone(value) as Record<string, unknown>);
}

function confirmInput(params: FormObject): ConfirmInput {
  const input: ConfirmInput = {};
  const paymentMethod = optionalString(params, 'payment_method');
  if (paymentMethod) input.paymentMethod = paymentMethod;
  const data = optionalObject(params, 'payment_method_data');
  if (data !== undefined) {
    const type = optionalString(data, 'type');
    if (!type) throw parameterMissing('payment_method_data[type]');
    const card = optionalObject(data, 'card');
    const token = card && optionalString(card, 'token');
    input.paymentMethodData = { type, ...(token !== undefined && { token }) };
  }
  const options = plain(optionalObject(params, 'payment_method_options'));
  if (options) input.paymentMethodOptions = options;
  const types = typesParam(params);
  if (types) input.paymentMethodTypes = types;
  const returnUrl = nullableString(params, 'return_url');
  if (returnUrl) {
    if (!URL.canParse(returnUrl)) throw invalidRequest('Not a valid URL', 'return_url', 'url_invalid');
    input.returnUrl = returnUrl;
  }
  const receiptEmail = nullableString(params, 'receipt_email');
  if (receiptEmail !== undefined) input.receiptEmail = receiptEmail;
  return input;
}

function checkClientSecret(req: ApiRequest, pi: Stripe.PaymentIntent) {
  if (!req.publishable) return;
  if (optionalString(req.params, 'client_secret') !== pi.client_secret) {
    throw invalidRequest(
      'The client_secret provided does not match any associated PaymentIntent on this account. Ensure the publishable key used belongs to the same account that created the PaymentIntent.',
      'client_secret',
    );
  }
}

export function apiRoutes(store: Store): Route[] {
  const find = (id: string) => store.find(id);
  const one = <T>(object: T, params: FormObject) => expand(object, expandPaths(params), find);
  const showIntent = (req: ApiRequest, pi: Stripe.PaymentIntent) => {
    const expanded = one(pi, req.params);
    return req.publishable ? publishableView(expanded) : expanded;
  };
  const getter =
    <T>(kind: string, map: Map<string, T>) =>
    (req: ApiRequest) => {
      checkKnown(req.params, ['expand']);
      const object = map.get(req.args[0]!);
      if (object === undefined) throw resourceMissing(kind, req.args[0]!);
      return one(object, req.params);
    };
  /** A list endpoint; `filters` maps each extra parameter to a test of one object against its value. */
  const lister =
    <T extends { id: string; created: number }>(
      kind: string,
      url: string,
      map: Map<string, T>,
      filters: Record<string, (item: T, value: FormValue) => boolean> = {},
    ) =>
    (req: ApiRequest) => {
      checkKnown(req.params, [...LIST, ...Object.keys(filters)]);
      const active = Object.entries(filters).flatMap(([name, test]) => {
        const value = req.params[name];
        return value === undefined ? [] : [(item: T) => test(item, value)];
      });
      const page = paginate([...map.values()], req.params, url, kind, (item) => active.every((test) => test(item)));
      return { ...page, data: expandList(page.data, expandPaths(req.params), find) };
    };
  const eventType = (pattern: string, type: string) =>
    pattern.endsWith('.*') ? type.startsWith(pattern.slice(0, -1)) : pattern === type;

  return [
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents$/,
      handle: (req) => {
        const { params, info } = req;
        checkKnown(params, PI_CREATE);
        const currency = currencyParam(params);
        const amount = amountParam(params, currency);
        const types = typesParam(params);
        const automaticParams = optionalObject(params, 'automatic_payment_methods');
        if (automaticParams) checkKnown(automaticParams, ['enabled', 'allow_redirects']);
        const automatic = automaticParams ? optionalBoolean(automaticParams, 'enabled') : undefined;
        if (params.payment_method_types !== undefined && automatic === true) {
          throw invalidRequest(
            'You may only specify one of these parameters: automatic_payment_methods, payment_method_types.',
            undefined,
            'parameters_exclusive',
          );
        }
        if (optionalString(params, 'capture_method') === 'manual') {
          throw invalidRequest('fake-stripe: capture_method=manual is not simulated', 'capture_method');
        }
        if (optionalString(params, 'customer')) {
          throw invalidRequest(
            `No such customer: '${optionalString(params, 'customer')}'`,
            'customer',
            'resource_missing',
          );
        }
        const confirm = optionalBoolean(params, 'confirm') ?? false;
        const attach = confirm ? undefined : optionalString(params, 'payment_method');
        const pi = store.createPaymentIntent(
          {
            amount,
            currency,
            metadata: applyMetadata(params),
            description: nullableString(params, 'description') ?? null,
            paymentMethodTypes: types ?? null,
            automatic: automatic ?? types === undefined,
            paymentMethodOptions: (plain(optionalObject(params, 'payment_method_options')) ??
              null) as Stripe.PaymentIntent.PaymentMethodOptions | null,
            receiptEmail: nullableString(params, 'receipt_email') ?? null,
            setupFutureUsage: (nullableString(params, 'setup_future_usage') ??
              null) as Stripe.PaymentIntent.SetupFutureUsage | null,
            statementDescriptor: nullableString(params, 'statement_descriptor') ?? null,
            statementDescriptorSuffix: nullableString(params, 'statement_descriptor_suffix') ?? null,
            transferGroup: nullableString(params, 'transfer_group') ?? null,
            ...(confirm && { confirm: confirmInput(params) }),
          },
          info,
        );
        if (attach) store.updatePaymentIntent(pi.id, { paymentMethod: attach });
        return one(pi, params);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_intents$/,
      handle: lister('payment_intent', '/v1/payment_intents', store.paymentIntents, {
        customer: (pi, customer) => pi.customer === customer,
      }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      publishable: true,
      handle: (req) => {
        checkKnown(req.params, ['client_secret', 'expand']);
        const pi = store.paymentIntent(req.args[0]!);
        checkClientSecret(req, pi);
        return showIntent(req, pi);
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)$/,
      handle: (req) => {
        const { params } = req;
        checkKnown(params, PI_UPDATE);
        const input: UpdateInput = {};
        if (params.currency !== undefined) input.currency = currencyParam(params);
        if (params.amount !== undefined) {
          input.amount = amountParam(params, input.currency ?? store.paymentIntent(req.args[0]!).currency);
        }
        const description = nullableString(params, 'description');
        if (description !== undefined) input.description = description;
        if (params.metadata !== undefined) {
          input.metadata = applyMetadata(params, store.paymentIntent(req.args[0]!).metadata);
        }
        const paymentMethod = optionalString(params, 'payment_method');
        if (paymentMethod) input.paymentMethod = paymentMethod;
        const types = typesParam(params);
        if (types) input.paymentMethodTypes = types;
        const options = plain(optionalObject(params, 'payment_method_options'));
        if (options) input.paymentMethodOptions = options;
        const receiptEmail = nullableString(params, 'receipt_email');
        if (receiptEmail !== undefined) input.receiptEmail = receiptEmail;
        return one(store.updatePaymentIntent(req.args[0]!, input), params);
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/,
      publishable: true,
      handle: (req) => {
        checkKnown(req.params, PI_CONFIRM);
        const pi = store.paymentIntent(req.args[0]!);
        checkClientSecret(req, pi);
        try {
          return showIntent(req, store.confirm(pi.id, confirmInput(req.params), req.info));
        } catch (error) {
          if (req.publishable && error instanceof StripeApiError && error.body.payment_intent) {
            error.body.payment_intent = publishableView(error.body.payment_intent as Stripe.PaymentIntent);
          }
          throw error;
        }
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/,
      handle: (req) => {
        checkKnown(req.params, ['cancellation_reason', 'expand']);
        const reason = nullableString(req.params, 'cancellation_reason') ?? null;
        if (reason !== null && !CANCELLATION_REASONS.includes(reason)) {
          throw invalidRequest(
            `Invalid cancellation_reason: must be one of ${CANCELLATION_REASONS.join(', ')}`,
            'cancellation_reason',
          );
        }
        return one(store.cancel(req.args[0]!, reason, req.info), req.params);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/charges$/,
      handle: lister('charge', '/v1/charges', store.charges, {
        payment_intent: (charge, id) => charge.payment_intent === id,
        customer: (charge, id) => charge.customer === id,
      }),
    },
    { method: 'GET', pattern: /^\/v1\/charges\/([^/]+)$/, handle: getter('charge', store.charges) },
    {
      method: 'POST',
      pattern: /^\/v1\/refunds$/,
      handle: (req) => {
        const { params } = req;
        checkKnown(params, [
          'amount',
          'charge',
          'payment_intent',
          'reason',
          'metadata',
          'expand',
          'instructions_email',
          'refund_application_fee',
          'reverse_transfer',
        ]);
        const reason = nullableString(params, 'reason') ?? null;
        if (reason !== null && !REFUND_REASONS.includes(reason)) {
          throw invalidRequest(`Invalid reason: must be one of ${REFUND_REASONS.join(', ')}`, 'reason');
        }
        const paymentIntent = optionalString(params, 'payment_intent');
        const charge = optionalString(params, 'charge');
        const refund = store.refund(
          { ...(paymentIntent && { paymentIntent }), ...(charge && { charge }) },
          optionalInteger(params, 'amount', 1),
          { reason, metadata: applyMetadata(params) },
          req.info,
        );
        return one(refund, params);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/refunds$/,
      handle: lister('refund', '/v1/refunds', store.refunds, {
        charge: (refund, id) => refund.charge === id,
        payment_intent: (refund, id) => refund.payment_intent === id,
      }),
    },
    { method: 'GET', pattern: /^\/v1\/refunds\/([^/]+)$/, handle: getter('refund', store.refunds) },
    {
      method: 'GET',
      pattern: /^\/v1\/disputes$/,
      handle: lister('dispute', '/v1/disputes', store.disputes, {
        charge: (dispute, id) => dispute.charge === id,
        payment_intent: (dispute, id) => dispute.payment_intent === id,
      }),
    },
    { method: 'GET', pattern: /^\/v1\/disputes\/([^/]+)$/, handle: getter('dispute', store.disputes) },
    {
      method: 'GET',
      pattern: /^\/v1\/events$/,
      handle: lister('event', '/v1/events', store.events, {
        type: (event, pattern) => typeof pattern === 'string' && eventType(pattern, event.type),
        types: (event, patterns) =>
          (formList(patterns) ?? []).some((p) => typeof p === 'string' && eventType(p, event.type)),
        delivery_success: () => true,
      }),
    },
    { method: 'GET', pattern: /^\/v1\/events\/([^/]+)$/, handle: getter('event', store.events) },
    {
      method: 'GET',
      pattern: /^\/v1\/balance_transactions\/([^/]+)$/,
      handle: getter('balance_transaction', store.balanceTransactions),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/payment_methods\/([^/]+)$/,
      handle: getter('PaymentMethod', store.paymentMethods),
    },
  ];
}
