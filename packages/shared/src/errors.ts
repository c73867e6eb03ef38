import { z } from 'zod';
import type { ErrorCode } from './constants.ts';

export const errorBodySchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
  }),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;

/**
 * One field-level problem in a VALIDATION_ERROR, named by its dotted path. `message` is English, for
 * API clients and logs; a client words the problem from `code` and the limits instead:
 * zod's issue codes (`too_small`, `too_big`, `invalid_type`, `invalid_format`, `invalid_value`, `custom`…)
 * or Tessera's own — `unknown` (an id that names nothing: endpoint, model, package, cursor),
 * `unsupported` (a value this server does not offer), `forbidden_character` (NUL), `too_deep` (nesting),
 * `ambiguous_path`, `required` (needed by another field's value).
 */
export const fieldIssueSchema = z.object({
  field: z.string(),
  message: z.string(),
  code: z.string().optional(),
  /** For too_small / too_big: the bound, and what it bounds (`string`: characters, `number`, `array`: items…). */
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  origin: z.string().optional(),
  /** For invalid_format: `email`, `regex`, `datetime`… */
  format: z.string().optional(),
});
export type FieldIssue = z.infer<typeof fieldIssueSchema>;

type NoFields = Record<never, never>;

/**
 * The structured fields each API error code carries in its body, beside `code` and `message`:
 * `{ "error": { "code": "INSUFFICIENT_CREDITS", "message": "…", "balance": 10, "required": 25 } }`.
 * A client words an error from its code and these fields, never from `message` (English, for API
 * clients and logs). The server's AppError takes exactly these details for its code.
 */
export interface ErrorFields {
  /** `fields` names what is wrong; absent only when the request could not be read into fields at all. */
  VALIDATION_ERROR: { fields?: FieldIssue[] };
  INVALID_SIGNATURE: NoFields;
  INVALID_JSON: NoFields;
  UNAUTHORIZED: NoFields;
  INVALID_CREDENTIALS: NoFields;
  FORBIDDEN: NoFields;
  /** The scope the key has. */
  API_KEY_SCOPE: { scope: 'chat' };
  REGISTRATION_CLOSED: NoFields;
  /** The Origin header the request came with. */
  INVALID_ORIGIN: { origin: string | null };
  /** Credits: what the user has, and what the request needs. */
  INSUFFICIENT_CREDITS: { balance: number; required: number };
  /** The endpoint id, and whether no key is saved or the saved one cannot be decrypted. */
  PROVIDER_KEY_REQUIRED: { endpoint: string; reason: 'missing' | 'unreadable' };
  BILLING_DISABLED: NoFields;
  NOT_FOUND: NoFields;
  METHOD_NOT_ALLOWED: NoFields;
  /** `reason: 'preset_limit'` with `limit` when the user keeps as many presets as allowed. */
  CONFLICT: { reason?: 'preset_limit'; limit?: number };
  /** Under `fields`, the email field. */
  EMAIL_TAKEN: { fields?: FieldIssue[] };
  /** How many API keys one user can hold. */
  API_KEY_LIMIT: { limit: number };
  /** The largest body accepted, in bytes. */
  PAYLOAD_TOO_LARGE: { limit?: number };
  URI_TOO_LONG: NoFields;
  UNSUPPORTED_MEDIA_TYPE: NoFields;
  REQUEST_TIMEOUT: NoFields;
  /** Seconds until the limit lets this key through again. */
  RATE_LIMITED: { retryAfterSeconds: number };
  HEADERS_TOO_LARGE: NoFields;
  /** When the next claim opens (ISO 8601), and the milliseconds until then. */
  CLAIM_COOLDOWN: { nextClaimAt: string; remainingMs: number };
  INTERNAL_ERROR: NoFields;
  /** Stripe's error code or type, when it gave one. */
  PAYMENT_PROVIDER_ERROR: { stripeCode?: string };
  SERVICE_UNAVAILABLE: NoFields;
  PAYMENTS_DISABLED: NoFields;
}

/** The body of an API error with code C: what the web reads, typed. */
export type ApiErrorBody<C extends ErrorCode = ErrorCode> = {
  [K in C]: { code: K; message: string } & ErrorFields[K];
}[C];

type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
/** Fails to compile unless every code in ERROR_STATUS has its entry in ErrorFields, and nothing else does. */
export type ErrorFieldsCoverEveryCode = Holds<Exactly<keyof ErrorFields, ErrorCode>>;
