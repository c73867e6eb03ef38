import { z } from 'zod';

const booleanish = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v)),
]);

const positiveInt = z.coerce.number().int().positive();

const rateLimitSchema = z.strictObject({
  max: positiveInt,
  windowSeconds: positiveInt,
});

const credits = z.coerce.number().int().min(0);

/** USD per 1M tokens, which is also credits per token. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  /** Defaults to the input price. */
  cacheRead: z.number().min(0).optional(),
  /** Defaults to the input price. */
  cacheWrite: z.number().min(0).optional(),
});
export type Price = z.infer<typeof priceSchema>;

const paramsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
});

const endpointFields = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'lowercase letters, digits, - and _ (up to 50)'),
  kind: z.enum(['openai', 'anthropic', 'google', 'azure', 'bedrock', 'openai-compatible']),
  name: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  /** The key, or `user_provided`: every user enters their own in Settings (stored encrypted). */
  apiKey: z.string().min(1).optional(),
  /**
   * Whether replies are charged credits: `credits` (the operator pays the provider) or `free` (nobody is
   * charged). Unset: `free` when `apiKey: user_provided` (the user pays with their own key), else `credits`.
   */
  billing: z.enum(['credits', 'free']).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** Models offered; `fetch: true` adds those the endpoint's own API lists (not on azure or bedrock). */
  models: z
    .array(z.union([z.string().min(1), z.strictObject({ id: z.string().min(1), name: z.string().min(1).optional() })]))
    .default([]),
  fetch: booleanish.default(false),
  defaultParams: paramsSchema.default({}),
  /** Price patterns for this endpoint only, consulted before billing.prices. */
  prices: z.record(z.string().min(1), priceSchema).default({}),
  /** Model that writes conversation titles (default: the conversation's model). */
  titleModel: z.string().min(1).optional(),
  // Azure OpenAI
  resourceName: z.string().min(1).optional(),
  apiVersion: z.string().min(1).optional(),
  // AWS Bedrock
  region: z.string().min(1).optional(),
  accessKeyId: z.string().min(1).optional(),
  secretAccessKey: z.string().min(1).optional(),
  sessionToken: z.string().min(1).optional(),
});
export const endpointConfigSchema = endpointFields
  .refine((e) => !(e.kind === 'bedrock' && e.apiKey === 'user_provided'), {
    path: ['apiKey'],
    message: 'user_provided is not available for bedrock: it signs with AWS credentials',
  })
  .refine((e) => !(e.fetch && (e.kind === 'azure' || e.kind === 'bedrock')), {
    path: ['fetch'],
    message:
      'fetch is not available for azure and bedrock: list the deployment names (azure) or model ids (bedrock) under models',
  });
export type EndpointConfig = z.infer<typeof endpointConfigSchema>;

const creditPackageSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'lowercase letters, digits, - and _ (up to 50)'),
  credits: z.number().int().positive(),
  /** Price in the currency's minor unit (fen, cents). */
  amount: z.number().int().positive(),
  popular: z.boolean().default(false),
});
export type CreditPackageConfig = z.infer<typeof creditPackageSchema>;

/** The seed's four packages, priced in CNY fen: ¥10 per 100K at the base rate, volume discounts above. */
export const DEFAULT_PACKAGES: CreditPackageConfig[] = [
  { id: 'starter', credits: 100_000, amount: 1_000, popular: false },
  { id: 'popular', credits: 500_000, amount: 3_500, popular: true },
  { id: 'plus', credits: 1_000_000, amount: 5_500, popular: false },
  { id: 'pro', credits: 10_000_000, amount: 28_000, popular: false },
];

export const configSchema = z.strictObject({
  server: z
    .strictObject({
      port: z.coerce.number().int().min(0).max(65535).default(3080),
      host: z.string().min(1).default('localhost'),
      /** The URL users reach Tessera at; cookies and CSRF checks are bound to it. */
      publicUrl: z.url().optional(),
      /** Honour X-Forwarded-For from a load balancer when computing client IPs. */
      trustProxy: booleanish.default(false),
      /** Largest request body accepted, in bytes. */
      bodyLimit: positiveInt.default(1_048_576),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** postgres://… to use PostgreSQL; unset uses the embedded PGlite database. */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
        .optional(),
      /** Where PGlite keeps its data (and the secret it generates). */
      dataDir: z.string().min(1).default('./data'),
      poolSize: positiveInt.default(10),
    })
    .prefault({}),
  redis: z
    .strictObject({
      url: z
        .string()
        .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
        .optional(),
    })
    .prefault({}),
  auth: z
    .strictObject({
      /** Signs sessions and encrypts stored secrets; at least 32 characters. */
      secret: z.string().min(32, 'at least 32 characters').optional(),
      allowRegistration: booleanish.default(true),
      passwordMinLength: z.coerce.number().int().min(8).max(128).default(8),
      sessionDays: positiveInt.default(30),
      signInLimitPerIp: rateLimitSchema.prefault({ max: 10, windowSeconds: 60 }),
      signInLimitPerAccount: rateLimitSchema.prefault({ max: 5, windowSeconds: 300 }),
      /** Accounts one client IP may create per window: each new account gets start and daily credits. */
      signUpLimitPerIp: rateLimitSchema.prefault({ max: 5, windowSeconds: 3600 }),
      /** API keys one user may hold at once. */
      apiKeysPerUser: positiveInt.default(20),
      apiKeyCreateLimitPerUser: rateLimitSchema.prefault({ max: 10, windowSeconds: 3600 }),
    })
    .prefault({}),
  billing: z
    .strictObject({
      enabled: booleanish.default(true),
      /** Credits every new account starts with. */
      startBalance: credits.default(20_000),
      claim: z
        .strictObject({
          enabled: booleanish.default(true),
          amount: credits.default(20_000),
          cooldownHours: z.coerce.number().positive().default(24),
        })
        .prefault({}),
      autoRefill: z
        .strictObject({
          enabled: booleanish.default(false),
          amount: credits.default(0),
          intervalHours: z.coerce.number().positive().default(24),
        })
        .prefault({}),
      /** Model-name pattern (substring, or glob with *) → price; longest match wins; merged over the built-in table. */
      prices: z.record(z.string().min(1), priceSchema).default({}),
      /** Price of models no pattern matches. */
      defaultPrice: priceSchema.optional(),
    })
    .prefault({}),
  endpoints: z.array(endpointConfigSchema).default([]),
  chat: z
    .strictObject({
      /** The built-in demo endpoint: auto = only while no real provider is configured. */
      demo: z.enum(['auto', 'on', 'off']).default('auto'),
      /** Pause between the demo's tokens, so its streaming is visible. */
      demoTokenDelayMs: z.coerce.number().int().min(0).max(1000).default(12),
      /** Reply length limit when neither the request nor the endpoint sets one. */
      maxOutputTokens: z.coerce.number().int().positive().default(4096),
      titles: booleanish.default(true),
      /**
       * How long a finished reply waits for its conversation's title (asked for alongside it) so both
       * are settled and saved together; a slower title is billed and saved on its own when it comes.
       */
      titleWaitMs: z.coerce.number().int().min(0).max(60_000).default(3_000),
      /** Abort a reply when the provider sends nothing for this long. */
      idleTimeoutSeconds: z.coerce.number().positive().default(90),
      defaultEndpoint: z.string().optional(),
      defaultModel: z.string().optional(),
    })
    .prefault({}),
  openaiApi: z
    .strictObject({
      /**
       * Most characters of message text one /v1/chat/completions request may carry (bigger gets a 400):
       * a 128k-token context of English text. Counting its tokens is linear, ~1.3 s of CPU for as many
       * random CJK characters (docs/benchmarks.md), spread over turns of the event loop.
       */
      maxRequestChars: positiveInt.default(500_000),
      /**
       * The output limit of a request that sets no `max_tokens`: the endpoint's (or chat.maxOutputTokens)
       * capped at this. The balance must hold it, as it must hold an explicit `max_tokens` (else a 402).
       */
      defaultMaxTokens: positiveInt.default(4096),
    })
    .prefault({}),
  payments: z
    .strictObject({
      stripe: z
        .strictObject({
          secretKey: z
            .string()
            .regex(/^(sk|rk)_(test|live)_/, 'a Stripe secret key (sk_test_… or sk_live_…)')
            .optional(),
          publishableKey: z
            .string()
            .regex(/^pk_(test|live)_/, 'a Stripe publishable key (pk_test_… or pk_live_…)')
            .optional(),
          webhookSecret: z
            .string()
            .regex(/^whsec_/, 'a webhook signing secret (whsec_…)')
            .optional(),
          /** Another base URL for Stripe's API (the local stand-in in tests). */
          apiUrl: z.url().optional(),
        })
        .prefault({}),
      /** ISO currency of the packages, lower case. */
      currency: z
        .string()
        .regex(/^[a-z]{3}$/, 'a three-letter ISO currency code in lower case')
        .default('cny'),
      /** Country of the Stripe account; decides which payment methods Stripe offers. */
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'a two-letter ISO country code in upper case')
        .default('US'),
      /** Methods to offer (each only where Stripe supports it for the currency and country). */
      methods: z
        .array(z.enum(['card', 'wechat_pay', 'alipay', 'crypto']))
        .default(['card', 'wechat_pay', 'alipay', 'crypto']),
      packages: z.array(creditPackageSchema).min(1).default(DEFAULT_PACKAGES),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      /** Bearer token that /metrics requires; unset: no /metrics at all. */
      token: z.string().min(16, 'at least 16 characters').optional(),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

/** Payments are on when Stripe's secret, publishable and webhook keys are all set (`GET /api/config` says so). */
export function paymentsConfigured(config: Pick<Config, 'payments'>): boolean {
  const { secretKey, publishableKey, webhookSecret } = config.payments.stripe;
  return Boolean(secretKey && publishableKey && webhookSecret);
}
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variables and the config key each one sets. Environment wins over tessera.yaml. */
export const ENV_KEYS: Record<string, string> = {
  PORT: 'server.port',
  HOST: 'server.host',
  PUBLIC_URL: 'server.publicUrl',
  TRUST_PROXY: 'server.trustProxy',
  BODY_LIMIT: 'server.bodyLimit',
  DATABASE_URL: 'database.url',
  TESSERA_DATA_DIR: 'database.dataDir',
  DATABASE_POOL_SIZE: 'database.poolSize',
  REDIS_URL: 'redis.url',
  TESSERA_SECRET: 'auth.secret',
  ALLOW_REGISTRATION: 'auth.allowRegistration',
  PASSWORD_MIN_LENGTH: 'auth.passwordMinLength',
  LOG_LEVEL: 'log.level',
  METRICS_TOKEN: 'metrics.token',
  BILLING_ENABLED: 'billing.enabled',
  START_BALANCE: 'billing.startBalance',
  CLAIM_AMOUNT: 'billing.claim.amount',
  CLAIM_COOLDOWN_HOURS: 'billing.claim.cooldownHours',
  TESSERA_DEMO: 'chat.demo',
  DEMO_TOKEN_DELAY_MS: 'chat.demoTokenDelayMs',
  OPENAI_API_MAX_REQUEST_CHARS: 'openaiApi.maxRequestChars',
  OPENAI_API_DEFAULT_MAX_TOKENS: 'openaiApi.defaultMaxTokens',
  STRIPE_SECRET_KEY: 'payments.stripe.secretKey',
  STRIPE_PUBLISHABLE_KEY: 'payments.stripe.publishableKey',
  STRIPE_WEBHOOK_SECRET: 'payments.stripe.webhookSecret',
  STRIPE_API_URL: 'payments.stripe.apiUrl',
  PAYMENTS_CURRENCY: 'payments.currency',
  STRIPE_ACCOUNT_COUNTRY: 'payments.country',
};
