import { z } from 'zod';

/** Every error code the HTTP API can answer with, and the status it travels with. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  /** A Stripe webhook whose signature is missing, wrong or too old. */
  INVALID_SIGNATURE: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
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
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  CLAIM_COOLDOWN: 429,
  INTERNAL_ERROR: 500,
  /** Stripe (or another payment service) could not be reached or refused the request. */
  PAYMENT_PROVIDER_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  /** No Stripe keys are configured. */
  PAYMENTS_DISABLED: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/** One field-level problem in a VALIDATION_ERROR, named by its dotted path. */
export const fieldIssueSchema = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssueSchema>;
