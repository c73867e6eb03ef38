import Stripe from 'stripe';
import { paymentsConfigured, type Config } from '../config/schema.ts';
import { AppError } from '../http/errors.ts';

export type PaymentsConfig = Config['payments'];

export { paymentsConfigured };

/** What the Content-Security-Policy must allow for Stripe.js and its Payment Element frames: only where payments are on. */
export function paymentsCsp(
  config: Pick<Config, 'payments'>,
): Record<'scripts' | 'frames' | 'images' | 'connect', string[]> {
  return paymentsConfigured(config)
    ? {
        scripts: ['https://js.stripe.com'],
        frames: ['https://js.stripe.com', 'https://hooks.stripe.com'],
        images: ['https://*.stripe.com'],
        connect: ['https://api.stripe.com'],
      }
    : { scripts: [], frames: [], images: [], connect: [] };
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
