/** The body of Stripe's `{ error: … }` reply. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string;
}

/** An API error: thrown by handlers and store operations, answered as `{ error: body }` with `status`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }
}

const withDoc = (body: StripeErrorBody): StripeErrorBody =>
  body.code ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` } : body;

export function invalidRequest(message: string, param?: string, code?: string, status = 400): StripeApiError {
  return new StripeApiError(
    status,
    withDoc({
      type: 'invalid_request_error',
      message,
      ...(code !== undefined && { code }),
      ...(param !== undefined && { param }),
    }),
  );
}

/** Stripe's param name for an object id in the URL is `intent` for PaymentIntents and `id` for the rest. */
export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, param, 'resource_missing', 404);
}

export const parameterMissing = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');

export const parameterUnknown = (param: string) =>
  invalidRequest(`Received unknown parameter: ${param}`, param, 'parameter_unknown');

export const unexpectedState = (message: string, paymentIntent?: unknown) => {
  const error = invalidRequest(message, undefined, 'payment_intent_unexpected_state');
  if (paymentIntent !== undefined) error.body.payment_intent = paymentIntent;
  return error;
};

export function authenticationError(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message });
}

export function cardError(fields: Omit<StripeErrorBody, 'type'>): StripeApiError {
  return new StripeApiError(402, withDoc({ type: 'card_error', ...fields }));
}

export function idempotencyError(message: string): StripeApiError {
  return new StripeApiError(400, { type: 'idempotency_error', message });
}

export function apiError(message: string): StripeApiError {
  return new StripeApiError(500, { type: 'api_error', message });
}
