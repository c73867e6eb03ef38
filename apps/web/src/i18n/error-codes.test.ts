import type { ErrorCode, ErrorFields, ReplyError, ReplyErrorCode } from '@tessera/shared';
import { ERROR_STATUS, REPLY_ERROR_CODES, TRANSACTION_KINDS } from '@tessera/shared/constants';
import { describe, expect, it } from 'vitest';
import { replyErrorText } from '../features/chat/reply-error.ts';
import { ApiError, CLIENT_ERROR_CODES } from '../lib/api.ts';
import { errorText } from '../lib/error-text.ts';
import { keysOf, LOCALES, stringAt, tFor } from './testing.ts';

/**
 * Errors are data: every code the server can send has its words in every shipped language, and the
 * translators never fall back on a missing key or the server's English sentence.
 */

const languages = Object.keys(LOCALES);
const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
/** Stands in for the server's English message: it must never reach the screen. */
const SERVER_SENTENCE = 'The English sentence the server wrote';

/** Each code with every field it can carry (typed: a code added to ErrorFields must be added here). */
const FULL: { [C in ErrorCode]: ErrorFields[C] } = {
  VALIDATION_ERROR: {
    fields: [{ field: 'name', message: SERVER_SENTENCE, code: 'too_big', maximum: 100, origin: 'string' }],
  },
  INVALID_SIGNATURE: {},
  INVALID_JSON: {},
  UNAUTHORIZED: {},
  INVALID_CREDENTIALS: {},
  FORBIDDEN: {},
  API_KEY_SCOPE: { scope: 'chat' },
  REGISTRATION_CLOSED: {},
  INVALID_ORIGIN: { origin: 'https://elsewhere.example' },
  INSUFFICIENT_CREDITS: { balance: 1_200, required: 25_000 },
  PROVIDER_KEY_REQUIRED: { endpoint: 'byok', reason: 'unreadable' },
  BILLING_DISABLED: {},
  NOT_FOUND: {},
  METHOD_NOT_ALLOWED: {},
  CONFLICT: { reason: 'preset_limit', limit: 100 },
  EMAIL_TAKEN: { fields: [{ field: 'email', message: SERVER_SENTENCE }] },
  API_KEY_LIMIT: { limit: 25 },
  PAYLOAD_TOO_LARGE: { limit: 1_048_576 },
  URI_TOO_LONG: {},
  UNSUPPORTED_MEDIA_TYPE: {},
  REQUEST_TIMEOUT: {},
  RATE_LIMITED: { retryAfterSeconds: 42 },
  HEADERS_TOO_LARGE: {},
  CLAIM_COOLDOWN: { nextClaimAt: '2026-01-02T03:04:05.000Z', remainingMs: 3_600_000 },
  INTERNAL_ERROR: {},
  PAYMENT_PROVIDER_ERROR: { stripeCode: 'api_connection_error' },
  SERVICE_UNAVAILABLE: {},
  PAYMENTS_DISABLED: {},
};

/** Each reply error code with every field it can carry. */
const FULL_REPLY: { [C in ReplyErrorCode]: Omit<ReplyError, 'code' | 'message'> } = {
  PROVIDER_AUTH: { status: 401, userKey: true },
  PROVIDER_RATE_LIMITED: { status: 429, retryAfterSeconds: 20 },
  PROVIDER_ERROR: { status: 503 },
  PROVIDER_TIMEOUT: { idleSeconds: 60 },
  PROVIDER_STREAM_INTERRUPTED: {},
  PROVIDER_UNAVAILABLE: {},
  PROVIDER_REJECTED: { status: 400, detail: 'Invalid value for "temperature": must be <= 2' },
  INTERRUPTED: {},
};

it('finds the locale files on disk', () => {
  expect(languages).toContain('en');
  expect(languages.length).toBeGreaterThan(1);
});

describe.each(languages)('the %s locale', (language) => {
  const strings = LOCALES[language];
  const t = tFor(language);

  it.each(ERROR_CODES)('words the API error %s', (code) => {
    expect(stringAt(strings, `errors.${code}`)).toBeTruthy();
  });

  it.each([...REPLY_ERROR_CODES])('words the reply error %s', (code) => {
    expect(stringAt(strings, `replyError.${code}`)).toBeTruthy();
  });

  it('words the client’s own codes, the generic error and every ledger kind', () => {
    for (const code of Object.values(CLIENT_ERROR_CODES)) expect(stringAt(strings, `errors.${code}`)).toBeTruthy();
    expect(stringAt(strings, 'errors.unknown')).toBeTruthy();
    expect(stringAt(strings, 'chat.replyFailed')).toBeTruthy();
    for (const kind of TRANSACTION_KINDS) expect(stringAt(strings, `credits.kinds.${kind}`)).toBeTruthy();
  });

  it('has exactly the keys of en, each with the same {{placeholders}}', () => {
    expect(keysOf(strings).sort()).toEqual(keysOf(LOCALES.en).sort());
    const placeholders = (text: string | undefined) =>
      [...(text ?? '').matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    for (const key of keysOf(LOCALES.en)) {
      expect(placeholders(stringAt(strings, key)), key).toEqual(placeholders(stringAt(LOCALES.en, key)));
    }
  });

  it.each(ERROR_CODES)('translates %s from its code and fields, with or without them', (code) => {
    for (const details of [FULL[code], {}]) {
      const { fields, ...rest } = details as { fields?: ApiError['fields'] };
      const error = new ApiError({
        status: ERROR_STATUS[code],
        code,
        message: SERVER_SENTENCE,
        ...(fields ? { fields } : {}),
        details: rest,
      });
      const text = errorText(error, t);
      expect(text).not.toMatch(/^errors\.|validation\./);
      expect(text).not.toContain(SERVER_SENTENCE);
      expect(text).not.toContain('{{');
    }
  });

  it.each([...REPLY_ERROR_CODES])('translates the reply error %s from its code and fields', (code) => {
    for (const fields of [FULL_REPLY[code], {}]) {
      const text = replyErrorText({ code, message: SERVER_SENTENCE, ...fields }, t);
      expect(text).not.toMatch(/^(replyError|chat)\./);
      expect(text).not.toContain(SERVER_SENTENCE);
      expect(text).not.toContain('{{');
      expect(text).not.toBe(t('chat.replyFailed'));
    }
  });
});
