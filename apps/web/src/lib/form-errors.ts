import type { TFunction } from 'i18next';
import { isApiError } from './api.ts';

/**
 * Turns validation problems into translated text.
 *
 * The shared zod schemas carry English messages. The client never shows those directly: it maps each
 * issue (from a local safeParse, or a field error the server sent back) to a translation key by its
 * zod issue code, and uses a per-form key for "required" so that e.g. `name` reads "Enter your name"
 * on the sign-up form but "Name the key" on the API key form.
 */

/** The parts of a zod issue we read (structural, so this module does not import zod). */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  format?: unknown;
}

type RequiredKey =
  'validation.required' | 'validation.nameRequired' | 'validation.passwordRequired' | 'validation.keyNameRequired';

/** Per form: the message key to use when a field is empty. */
export type RequiredMessages = Partial<Record<string, RequiredKey>>;

export type FieldErrors = Partial<Record<string, string>>;

function translateIssue(
  field: string,
  issue: Omit<IssueLike, 'path'>,
  required: RequiredMessages,
  t: TFunction,
): string {
  if (field === 'email' || issue.format === 'email') return t('validation.email');
  const min = Number(issue.minimum);
  const max = Number(issue.maximum);
  switch (issue.code) {
    case 'too_small':
      return min > 1 ? t('validation.tooShort', { count: min }) : t(required[field] ?? 'validation.required');
    case 'too_big':
      return Number.isFinite(max) ? t('validation.tooLong', { count: max }) : t('validation.invalid');
    case 'invalid_type':
      return t(required[field] ?? 'validation.required');
    default:
      return t('validation.invalid');
  }
}

/** First issue per field wins, as on the server. */
export function issuesToFieldErrors(
  issues: readonly IssueLike[],
  required: RequiredMessages,
  t: TFunction,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (errors[field] === undefined) errors[field] = translateIssue(field, issue, required, t);
  }
  return errors;
}

/**
 * Recognises the English messages of the shared schemas (and zod's defaults) in a server field
 * error, so the client can show them translated. Unknown messages are shown as the server wrote them.
 */
function serverMessageToIssue(message: string): Omit<IssueLike, 'path'> | undefined {
  if (/valid email/i.test(message)) return { code: 'invalid_format', format: 'email', message };
  let m = /at least (\d+) characters|>=\s*(\d+)/i.exec(message);
  if (m) return { code: 'too_small', minimum: Number(m[1] ?? m[2]), message };
  m = /at most (\d+) characters|<=\s*(\d+)/i.exec(message);
  if (m) return { code: 'too_big', maximum: Number(m[1] ?? m[2]), message };
  if (/^(enter your|name the|required)/i.test(message)) return { code: 'too_small', minimum: 1, message };
  return undefined;
}

/** Field errors from a VALIDATION_ERROR the server sent, translated where we recognise them. */
export function serverFieldErrors(error: unknown, required: RequiredMessages, t: TFunction): FieldErrors {
  const errors: FieldErrors = {};
  if (!isApiError(error)) return errors;
  for (const { field, message } of error.fields) {
    const key = field.split('.')[0] ?? field;
    if (errors[key] !== undefined) continue;
    const issue = serverMessageToIssue(message);
    errors[key] = issue ? translateIssue(key, issue, required, t) : message;
  }
  return errors;
}

const KNOWN_CODES = [
  'INVALID_CREDENTIALS',
  'EMAIL_TAKEN',
  'REGISTRATION_CLOSED',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VALIDATION_ERROR',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'NETWORK_ERROR',
  'BAD_RESPONSE',
  'PROVIDER_KEY_REQUIRED',
  'API_KEY_LIMIT',
  'API_KEY_SCOPE',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];

function isKnownCode(code: string): code is KnownCode {
  return (KNOWN_CODES as readonly string[]).includes(code);
}

/**
 * A message for any error: the translation of its code when we have one, else the server's own
 * message, else a generic line. Never a bare HTTP status.
 */
export function errorMessage(error: unknown, t: TFunction): string {
  if (isApiError(error)) {
    if (isKnownCode(error.code)) return t(`errors.${error.code}`);
    if (error.message) return error.message;
  }
  return t('errors.unknown');
}
