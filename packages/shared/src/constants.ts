/**
 * The contract's plain values: no zod here, so the web app can import them (from
 * `@tessera/shared/constants`) without loading the schemas and zod in its first load.
 * The schemas in the other modules are built from these; the package index re-exports them all.
 */

/** Every error code the HTTP API can answer with, and the status it travels with. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  /** A Stripe webhook whose signature is missing, wrong or too old. */
  INVALID_SIGNATURE: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  /** An API key whose scope does not cover the route (a `chat` key outside /v1 and the model list). */
  API_KEY_SCOPE: 403,
  REGISTRATION_CLOSED: 403,
  /** A cookie-authenticated request from an origin other than the server's own (CSRF protection). */
  INVALID_ORIGIN: 403,
  INSUFFICIENT_CREDITS: 402,
  /** The endpoint needs the user's own API key (apiKey: user_provided) and none is saved or readable. */
  PROVIDER_KEY_REQUIRED: 400,
  BILLING_DISABLED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  /** The user already holds as many API keys as allowed. */
  API_KEY_LIMIT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** A path parameter longer than any id Tessera issues. */
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The client sent its request too slowly, or not at all (the connection stays silent). */
  REQUEST_TIMEOUT: 408,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  CLAIM_COOLDOWN: 429,
  INTERNAL_ERROR: 500,
  /** Stripe (or another payment service) could not be reached or refused the request. */
  PAYMENT_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  /** No Stripe keys are configured. */
  PAYMENTS_DISABLED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

// auth
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/** `chat`: the OpenAI-compatible /v1 API and the model list; `full`: every /api route as well. */
export const API_KEY_SCOPES = ['chat', 'full'] as const;

export const MESSAGE_ROLES = ['user', 'assistant'] as const;
export const MESSAGE_STATUSES = ['streaming', 'complete', 'stopped', 'error'] as const;

// billing
/** 1,000,000 credits = US$1, so a model's USD price per 1M tokens is its credit price per token. */
export const CREDITS_PER_USD = 1_000_000;

export const TRANSACTION_KINDS = [
  'grant',
  'claim',
  'purchase',
  'spend',
  'refund',
  'reversal',
  'auto_refill',
  'admin_adjust',
  'hold',
  'release',
] as const;

// chat
export const ENDPOINT_KINDS = [
  'openai',
  'anthropic',
  'google',
  'azure',
  'bedrock',
  'openai-compatible',
  'demo',
] as const;

/** The range of each model parameter a conversation or preset can set (modelParamsSchema). */
export const MODEL_PARAM_LIMITS = {
  temperature: { min: 0, max: 2, integer: false },
  topP: { min: 0, max: 1, integer: false },
  maxOutputTokens: { min: 1, max: 200_000, integer: true },
} as const;

// payments
/** Ways to pay. Apple Pay and Google Pay come with `card` as wallets in Stripe's Payment Element. */
export const PAYMENT_METHODS = ['card', 'wechat_pay', 'alipay', 'crypto'] as const;

export const PURCHASE_STATUSES = [
  /** Created, not paid yet (or paid and its webhook has not arrived). */
  'pending',
  /** Paid and credited. */
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
  /** A dispute was opened: credits reversed, flagged for an administrator. */
  'disputed',
] as const;

// presets
/** How many presets one user can keep; creating one more answers 409 CONFLICT. */
export const PRESET_LIMIT = 100;
export const PRESET_NAME_MAX = 100;
export const SYSTEM_PROMPT_MAX = 20_000;

// provider keys
/** Longest provider API key accepted (real ones are 30–200 characters). */
export const PROVIDER_KEY_MAX_LENGTH = 2048;
