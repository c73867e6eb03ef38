import type { TFunction } from 'i18next';
import { CLIENT_ERROR_CODES, isApiError } from '../../lib/api.ts';
import { errorMessage } from '../../lib/form-errors.ts';

/** The parts of a Stripe.js error (or a PaymentIntent's last_payment_error) we read. */
export interface StripeErrorLike {
  type?: string;
  code?: string | null;
  decline_code?: string | null;
  message?: string | null;
}

export type PaymentErrorKind =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'incorrect_number'
  | 'authentication_required'
  | 'processing_error'
  | 'network'
  | 'rate_limit'
  | 'canceled'
  | 'generic';

export interface PaymentProblem {
  kind: PaymentErrorKind;
  /** Translated, for the user. */
  message: string;
  /** Pressing Pay again with the same details may work (a transient failure), so offer "Try again". */
  retry: boolean;
}

/** Stripe's decline codes and error codes, reduced to the handful of cases a user can act on. */
export function classifyStripeError(error: StripeErrorLike): PaymentErrorKind | undefined {
  const code = error.code ?? undefined;
  const decline = error.decline_code ?? undefined;
  if (error.type === 'api_connection_error') return 'network';
  if (error.type === 'rate_limit_error') return 'rate_limit';
  if (decline === 'insufficient_funds' || code === 'insufficient_funds') return 'insufficient_funds';
  if (code === 'expired_card' || decline === 'expired_card') return 'expired_card';
  if (code === 'incorrect_cvc' || code === 'invalid_cvc' || decline === 'incorrect_cvc' || decline === 'invalid_cvc')
    return 'incorrect_cvc';
  if (code === 'incorrect_number' || code === 'invalid_number' || decline === 'incorrect_number')
    return 'incorrect_number';
  if (
    code === 'authentication_required' ||
    decline === 'authentication_required' ||
    code === 'payment_intent_authentication_failure' ||
    code === 'setup_intent_authentication_failure'
  )
    return 'authentication_required';
  if (code === 'processing_error' || decline === 'processing_error' || error.type === 'api_error')
    return 'processing_error';
  if (code === 'card_declined' || code === 'generic_decline' || decline !== undefined) return 'card_declined';
  return undefined;
}

const RETRYABLE: ReadonlySet<PaymentErrorKind> = new Set([
  'processing_error',
  'network',
  'rate_limit',
  'authentication_required',
]);

/**
 * What to tell the user about a failed confirmation. Stripe's own message is used only for input
 * problems the Payment Element reports (`validation_error`: it is already in the element's locale).
 */
export function describeStripeError(error: StripeErrorLike, t: TFunction): PaymentProblem {
  const kind = classifyStripeError(error);
  if (kind) return { kind, message: t(`payments.errors.${kind}`), retry: RETRYABLE.has(kind) };
  if (error.type === 'validation_error' && error.message)
    return { kind: 'generic', message: error.message, retry: false };
  return { kind: 'generic', message: t('payments.errors.generic'), retry: true };
}

/** The failure stored on a purchase (failureCode is Stripe's code or decline code). */
export function describeFailureCode(code: string | null, t: TFunction): string {
  if (!code) return t('payments.errors.generic');
  const kind = classifyStripeError({ code });
  return t(`payments.errors.${kind ?? 'generic'}`);
}

/** Errors of our own API: payments' codes first, then the app's usual messages. */
export function paymentApiErrorMessage(error: unknown, t: TFunction): string {
  if (isApiError(error)) {
    switch (error.code) {
      case 'PAYMENTS_DISABLED':
        return t('payments.errors.PAYMENTS_DISABLED');
      case 'PAYMENT_PROVIDER_ERROR':
        return t('payments.errors.PAYMENT_PROVIDER_ERROR');
      case 'CONFLICT':
        return t('payments.errors.CONFLICT');
      case 'NOT_FOUND':
        return t('payments.errors.NOT_FOUND');
      case CLIENT_ERROR_CODES.network:
        return t('errors.NETWORK_ERROR');
    }
  }
  return errorMessage(error, t);
}
