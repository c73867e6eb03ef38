import type { Config, EndpointConfig, Price } from '../config/schema.ts';
import { DEFAULT_PRICES, FALLBACK_PRICE, priceFor } from '../billing/pricing.ts';
import { DEMO_MODEL_ID } from './demo.ts';
import { endpointBilling } from './user-keys.ts';

const FREE: Price = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/**
 * The credits per token each model costs a user: the endpoint's own `prices`, then the config's `billing.prices`
 * over the built-in table, then `billing.defaultPrice`; nothing at all on a `billing: free` endpoint.
 */
export function createPrices(config: Config) {
  // Read from the config on each call, as before the split: nothing here caches a price.
  const table = (endpoint: EndpointConfig | null) => ({
    overrides: endpoint?.prices,
    prices: { ...DEFAULT_PRICES, ...config.billing.prices },
    fallback: config.billing.defaultPrice ?? FALLBACK_PRICE,
  });

  return {
    /** What a user pays per token for `modelId` on `endpoint`. */
    of(endpoint: EndpointConfig, modelId: string): Price {
      return endpointBilling(endpoint) === 'free' ? FREE : priceFor(table(endpoint), modelId).price;
    },
    /** The demo model's rates (the global table's, so an operator can price it). */
    demo(): Price {
      return priceFor(table(null), DEMO_MODEL_ID).price;
    },
  };
}
