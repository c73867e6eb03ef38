import type { TFunction } from 'i18next';
import { isApiError } from './api.ts';
import { errorText, issueText, type RequiredMessages } from './error-text.ts';

export type { RequiredKey, RequiredMessages } from './error-text.ts';

/**
 * Turns validation problems into translated text.
 *
 * The shared zod schemas carry English messages, and so do the field issues the server sends. The
 * client never shows those: it words each issue — from a local safeParse, or a field issue the server
 * sent back — from its issue code and bounds (lib/error-text.ts), and uses a per-form key for
 * "required" so that e.g. `name` reads "Enter your name" on the sign-up form but "Name the key" on the
 * API key form. A server issue without a code this client knows reads "Check this value".
 */

/** The parts of a zod issue we read (structural, so this module does not import zod). */
export interface IssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  format?: unknown;
}

export type FieldErrors = Partial<Record<string, string>>;

/** First issue per field wins, as on the server. */
export function issuesToFieldErrors(
  issues: readonly IssueLike[],
  required: RequiredMessages,
  t: TFunction,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const { path, ...issue } of issues) {
    const field = String(path[0] ?? '');
    if (errors[field] === undefined) errors[field] = issueText(issue, t, required, field);
  }
  return errors;
}

/** Field errors from a VALIDATION_ERROR (or EMAIL_TAKEN…) the server sent, worded from each issue's facts. */
export function serverFieldErrors(error: unknown, required: RequiredMessages, t: TFunction): FieldErrors {
  const errors: FieldErrors = {};
  if (!isApiError(error)) return errors;
  for (const issue of error.fields) {
    const key = issue.field.split('.')[0] ?? issue.field;
    if (errors[key] === undefined) errors[key] = issueText(issue, t, required, key);
  }
  return errors;
}

/** A message for any error, in the UI's language (see errorText). Never a bare HTTP status. */
export function errorMessage(error: unknown, t: TFunction): string {
  return errorText(error, t);
}
