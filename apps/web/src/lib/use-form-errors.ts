import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from './api.ts';
import {
  errorMessage,
  issuesToFieldErrors,
  serverFieldErrors,
  type FieldErrors,
  type IssueLike,
  type RequiredMessages,
} from './form-errors.ts';

type Source = { kind: 'client'; issues: readonly IssueLike[] } | { kind: 'server'; error: unknown } | null;

export interface FormErrorsOptions<F extends string> {
  /** The form's fields in visual order (the first invalid one gets focus). */
  fields: readonly F[];
  /** Message keys for empty fields. */
  required?: RequiredMessages;
  /** Server error codes that belong under a field rather than above the form. */
  codeFields?: Partial<Record<string, F>>;
}

/**
 * Holds the last validation result of a form — client issues or a server error — and translates
 * it at render time, so switching the language re-translates visible errors. Editing a field hides
 * its error until the next submit; a failed submit focuses the first invalid field.
 */
export function useFormErrors<F extends string>({ fields, required = {}, codeFields = {} }: FormErrorsOptions<F>) {
  const { t } = useTranslation();
  const [source, setSource] = useState<Source>(null);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const [attempt, setAttempt] = useState(0);
  const elements = useRef(new Map<string, HTMLElement | null>());

  let all: FieldErrors = {};
  let formError: string | null = null;
  if (source?.kind === 'client') {
    all = issuesToFieldErrors(source.issues, required, t);
  } else if (source?.kind === 'server') {
    const error = source.error;
    const codeField = isApiError(error) ? codeFields[error.code] : undefined;
    if (codeField) {
      all = { [codeField]: errorMessage(error, t) };
    } else {
      const fromServer = serverFieldErrors(error, required, t);
      all = Object.fromEntries(fields.flatMap((f) => (fromServer[f] ? [[f, fromServer[f]]] : [])));
      // A problem with no field on this form: worded above it, from its code and fields.
      if (Object.keys(all).length === 0) formError = errorMessage(error, t);
    }
  }
  const fieldErrors: FieldErrors = Object.fromEntries(Object.entries(all).filter(([field]) => !dismissed.has(field)));
  const firstInvalid = fields.find((f) => all[f] !== undefined);

  useEffect(() => {
    if (attempt === 0 || !firstInvalid) return;
    elements.current.get(firstInvalid)?.focus();
    // Only after a submit, not while typing.
  }, [attempt]);

  const show = useCallback((next: Source) => {
    setSource(next);
    setDismissed(new Set());
    setAttempt((n) => n + 1);
  }, []);

  return {
    fieldErrors,
    formError,
    /** Attach to a control so it can be focused when invalid. */
    refFor: (field: F) => (el: HTMLElement | null) => {
      elements.current.set(field, el);
    },
    showClientIssues: (issues: readonly IssueLike[]) => show({ kind: 'client', issues }),
    showServerError: (error: unknown) => show({ kind: 'server', error }),
    /** Hide a field's error (call when the user edits it). */
    dismiss: (field: F) => {
      if (!dismissed.has(field)) setDismissed((prev) => new Set(prev).add(field));
    },
    clear: () => setSource(null),
  };
}
