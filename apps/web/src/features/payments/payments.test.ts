import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/locales/en.json';
import zh from '../../i18n/locales/zh-CN.json';
import { ApiError } from '../../lib/api.ts';
import { classifyStripeError, describeFailureCode, describeStripeError, paymentApiErrorMessage } from './errors.ts';
import { newCheckoutId } from './checkout-id.ts';

/** i18next's t over the English strings, with {{var}} interpolation. */
const t = ((key: string, options?: Record<string, unknown>) => {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], en);
  if (typeof value !== 'string') return key;
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options?.[name] ?? ''));
}) as unknown as TFunction;

describe("Stripe's errors", () => {
  it.each([
    [{ type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' }, 'card_declined', false],
    [{ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' }, 'insufficient_funds', false],
    [{ type: 'card_error', code: 'expired_card', decline_code: 'expired_card' }, 'expired_card', false],
    [{ type: 'card_error', code: 'incorrect_cvc' }, 'incorrect_cvc', false],
    [{ type: 'card_error', code: 'incorrect_number' }, 'incorrect_number', false],
    [
      { type: 'card_error', code: 'card_declined', decline_code: 'authentication_required' },
      'authentication_required',
      true,
    ],
    [{ type: 'invalid_request_error', code: 'payment_intent_authentication_failure' }, 'authentication_required', true],
    [{ type: 'card_error', code: 'processing_error' }, 'processing_error', true],
    [{ type: 'api_connection_error' }, 'network', true],
    [{ type: 'rate_limit_error' }, 'rate_limit', true],
    [{ type: 'card_error', code: 'card_declined', decline_code: 'stolen_card' }, 'card_declined', false],
  ])('%o → %s (retry: %s)', (error, kind, retry) => {
    const problem = describeStripeError(error, t);
    expect(problem.kind).toBe(kind);
    expect(problem.retry).toBe(retry);
    expect(problem.message).toBe(en.payments.errors[kind as keyof typeof en.payments.errors]);
  });

  it("shows the Payment Element's own (localized) message for input problems", () => {
    const problem = describeStripeError({ type: 'validation_error', message: 'Your card number is incomplete.' }, t);
    expect(problem.message).toBe('Your card number is incomplete.');
  });

  it('falls back to a generic message, never a raw code', () => {
    expect(classifyStripeError({ type: 'invalid_request_error', code: 'resource_missing' })).toBeUndefined();
    expect(describeStripeError({ type: 'invalid_request_error', message: 'No such payment_intent' }, t).message).toBe(
      en.payments.errors.generic,
    );
    expect(describeFailureCode(null, t)).toBe(en.payments.errors.generic);
    expect(describeFailureCode('insufficient_funds', t)).toBe(en.payments.errors.insufficient_funds);
    expect(describeFailureCode('something_new', t)).toBe(en.payments.errors.generic);
  });

  it('translates our own payment API errors', () => {
    const error = (code: string) => new ApiError({ status: 503, code, message: 'English from the server' });
    expect(paymentApiErrorMessage(error('PAYMENTS_DISABLED'), t)).toBe(en.payments.errors.PAYMENTS_DISABLED);
    expect(paymentApiErrorMessage(error('PAYMENT_PROVIDER_ERROR'), t)).toBe(en.payments.errors.PAYMENT_PROVIDER_ERROR);
    expect(paymentApiErrorMessage(error('RATE_LIMITED'), t)).toBe(en.errors.RATE_LIMITED);
  });
});

describe('checkout ids and strings', () => {
  it('makes ids the server accepts', () => {
    const a = newCheckoutId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
    expect(newCheckoutId()).not.toBe(a);
  });

  it('has every English payments string in Chinese too', () => {
    const keys = (node: unknown, prefix = ''): string[] =>
      typeof node === 'object' && node !== null
        ? Object.entries(node).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    expect(keys(zh.payments).sort()).toEqual(keys(en.payments).sort());
  });
});
