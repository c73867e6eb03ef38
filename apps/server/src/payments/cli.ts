import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLedger } from '../billing/ledger.ts';
import { CliError, parse, type Command } from '../cli/run.ts';
import { createPurchases } from './purchases.ts';
import { createStripeClient, paymentsConfigured } from './stripe.ts';

/** The admin commands of Buy Tokens (listed by `npm run admin -- help`). */
export const paymentCommands: Record<string, Command> = {
  'payments:reconcile': {
    usage:
      'payments:reconcile [--since DATE]   (credits succeeded Stripe payments whose webhook never arrived; default: the last 7 days)',
    prepare(args, config) {
      const { values } = parseArgs({ args, options: { since: { type: 'string' } } });
      const since = parse(
        z.coerce.date({ error: 'a date such as 2026-11-01 or an ISO timestamp' }),
        values.since ?? new Date(Date.now() - 7 * 86_400_000).toISOString(),
      );
      if (!paymentsConfigured(config)) {
        throw new CliError(
          'Stripe is not configured (STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET)',
        );
      }
      return async (database) => {
        const purchases = createPurchases({
          db: database.db,
          stripe: createStripeClient(config.payments),
          payments: config.payments,
          ledger: createLedger(database.db, config.billing),
          log: {
            warn: (details, message) => console.warn(message, details),
            error: (details, message) => console.error(message, details),
          },
        });
        const result = await purchases.reconcile(since);
        console.log(
          `Checked ${result.checked} succeeded payment(s) since ${since.toISOString()}: ${result.credited} credited now, ${result.unknown} not matching any purchase.`,
        );
      };
    },
  },
};
