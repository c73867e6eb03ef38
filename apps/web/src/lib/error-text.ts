import type { ErrorCode, ErrorFields } from '@tessera/shared';
import { ERROR_STATUS } from '@tessera/shared/constants';
import type { TFunction } from 'i18next';
import { CLIENT_ERROR_CODES, isApiError, type ApiError } from './api.ts';

/**
 * The one translator of API errors: words an error in the UI's language from its `code` and the fields
 * that code carries (ErrorFields in @tessera/shared). The server's `message` is English for logs and
 * API clients and is never shown, nor read: a code this build does not know gets the generic line for
 * its HTTP status.
 */
export function errorText(error: unknown, t: TFunction): string {
  if (!isApiError(error)) return t('errors.unknown');
  const code = error.code;
  if (isErrorCode(code)) return codeText(code, error, t);
  if (code === CLIENT_ERROR_CODES.network || code === CLIENT_ERROR_CODES.badResponse) return t(`errors.${code}`);
  return statusText(error.status, t);
}

/** An error body's fields for its code, read defensively: the server may be newer or older than this build. */
function fieldsOf<C extends ErrorCode>(error: ApiError, _code: C): Partial<Record<keyof ErrorFields[C], unknown>> {
  return error.details as Partial<Record<keyof ErrorFields[C], unknown>>;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function codeText(code: ErrorCode, error: ApiError, t: TFunction): string {
  switch (code) {
    case 'VALIDATION_ERROR': {
      const first = error.fields[0];
      return first
        ? t('errors.VALIDATION_ERROR_field', { field: first.field, problem: issueText(first, t) })
        : t('errors.VALIDATION_ERROR');
    }
    case 'INSUFFICIENT_CREDITS': {
      const { balance, required } = fieldsOf(error, code);
      return finite(balance) && finite(required)
        ? t('errors.INSUFFICIENT_CREDITS_amounts', { balance, required })
        : t('errors.INSUFFICIENT_CREDITS');
    }
    case 'PROVIDER_KEY_REQUIRED':
      return fieldsOf(error, code).reason === 'unreadable'
        ? t('errors.PROVIDER_KEY_REQUIRED_unreadable')
        : t('errors.PROVIDER_KEY_REQUIRED');
    case 'CONFLICT': {
      const { reason, limit } = fieldsOf(error, code);
      return reason === 'preset_limit' && finite(limit)
        ? t('errors.CONFLICT_presetLimit', { limit })
        : t('errors.CONFLICT');
    }
    case 'API_KEY_LIMIT': {
      const { limit } = fieldsOf(error, code);
      return finite(limit) ? t('errors.API_KEY_LIMIT_limit', { limit }) : t('errors.API_KEY_LIMIT');
    }
    case 'PAYLOAD_TOO_LARGE': {
      const { limit } = fieldsOf(error, code);
      if (!finite(limit) || limit <= 0) return t('errors.PAYLOAD_TOO_LARGE');
      const mb = limit >= 1024 * 1024;
      return t('errors.PAYLOAD_TOO_LARGE_limit', {
        size: mb ? limit / (1024 * 1024) : Math.max(1, limit / 1024),
        formatParams: { size: { style: 'unit', unit: mb ? 'megabyte' : 'kilobyte', maximumFractionDigits: 1 } },
      });
    }
    case 'RATE_LIMITED': {
      const { retryAfterSeconds } = fieldsOf(error, code);
      return finite(retryAfterSeconds) && retryAfterSeconds >= 1
        ? t('errors.RATE_LIMITED_retry', relativeWait(retryAfterSeconds))
        : t('errors.RATE_LIMITED');
    }
    case 'CLAIM_COOLDOWN': {
      const { nextClaimAt } = fieldsOf(error, code);
      const at = typeof nextClaimAt === 'string' ? new Date(nextClaimAt) : null;
      return at && !Number.isNaN(at.getTime())
        ? t('errors.CLAIM_COOLDOWN_next', {
            at,
            formatParams: { at: { dateStyle: 'medium', timeStyle: 'short' } },
          })
        : t('errors.CLAIM_COOLDOWN');
    }
    default:
      return t(`errors.${code}`);
  }
}

/**
 * `{ when, formatParams }` for a "{{when, relativetime}}" in a translation: a wait in seconds, as
 * "in 30 seconds" / "30秒钟后", or in minutes or hours when it is long.
 */
export function relativeWait(seconds: number) {
  const [when, range] =
    seconds < 90
      ? [Math.ceil(seconds), 'second']
      : seconds < 90 * 60
        ? [Math.ceil(seconds / 60), 'minute']
        : [Math.ceil(seconds / 3600), 'hour'];
  return { when, formatParams: { when: { range, numeric: 'always' } } };
}

/** Status → the code whose wording fits any error with that status, for codes this build does not know. */
const STATUS_FALLBACK: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  502: 'SERVICE_UNAVAILABLE',
  503: 'SERVICE_UNAVAILABLE',
  504: 'SERVICE_UNAVAILABLE',
};

/** The generic line for an HTTP status: never the status itself. */
export function statusText(status: number, t: TFunction): string {
  const code = STATUS_FALLBACK[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : undefined);
  return code ? t(`errors.${code}`) : t('errors.unknown');
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_STATUS, code);
}

/** The per-form message keys for an empty field (e.g. "Enter your name" rather than "This field is required"). */
export type RequiredKey =
  'validation.required' | 'validation.nameRequired' | 'validation.passwordRequired' | 'validation.keyNameRequired';
export type RequiredMessages = Partial<Record<string, RequiredKey>>;

/**
 * The facts of one field problem: a zod issue on the client (bounds as number | bigint), or a
 * FieldIssue the server sent.
 */
export interface IssueFacts {
  field?: string;
  code?: string;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  format?: unknown;
}

/**
 * One field's problem, worded from its issue code and bounds (zod's codes, or Tessera's own: see
 * fieldIssueSchema), never from its English message. `field` picks the form's own "required" wording.
 */
export function issueText(
  issue: IssueFacts,
  t: TFunction,
  required: RequiredMessages = {},
  field = issue.field ?? '',
): string {
  if (field === 'email' || issue.format === 'email') return t('validation.email');
  const min = Number(issue.minimum);
  const max = Number(issue.maximum);
  const counted = issue.origin === undefined || issue.origin === 'string';
  switch (issue.code) {
    case 'too_small':
      if (!counted) return Number.isFinite(min) ? t('validation.atLeast', { minimum: min }) : t('validation.invalid');
      return min > 1 ? t('validation.tooShort', { count: min }) : t(required[field] ?? 'validation.required');
    case 'too_big':
      if (!Number.isFinite(max)) return t('validation.invalid');
      return counted ? t('validation.tooLong', { count: max }) : t('validation.atMost', { maximum: max });
    case 'invalid_type':
    case 'required':
      return t(required[field] ?? 'validation.required');
    case 'unknown':
      return t('validation.unknown');
    case 'unsupported':
      return t('validation.unsupported');
    case 'forbidden_character':
      return t('validation.forbiddenCharacter');
    case 'too_deep':
      return t('validation.tooDeep');
    default:
      return t('validation.invalid');
  }
}
