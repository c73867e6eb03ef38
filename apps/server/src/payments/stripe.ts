import Stripe from 'stripe';
import type { Config } from '../config/schema.ts';
import { AppError } from '../http/errors.ts';

export type PaymentsConfig = Config['payments'];

/** Payments are on when Stripe's secret, publishable and webhook keys are all set. */
export function paymentsConfigured(config: Pick<Config, 'payments'>): boolean {
  const { secretKey, publishableKey, webhookSecret } = config.payments.stripe;
  return Boolean(secretKey && publishableKey && webhookSecret);
}

/** A Stripe client, pointed at `apiUrl` when one is configured (the local stand-in). */
export function createStripeClient(payments: PaymentsConfig): Stripe {
  const { secretKey, apiUrl } = payments.stripe;
  if (!secretKey) throw new Error('payments.stripe.secretKey is not set');
  const url = apiUrl ? new URL(apiUrl) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(url && {
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      protocol: url.protocol === 'https:' ? 'https' : 'http',
    }),
  });
}

/** Runs a call to Stripe's API; its failures reach the client as 502 PAYMENT_PROVIDER_ERROR. */
export async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment service could not be reached; try again in a moment', {
        stripeCode: error.code ?? error.type,
      });
    }
    throw error;
  }
}
