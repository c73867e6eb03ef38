import { signInSchema, signUpSchema } from '@tessera/shared';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../i18n/locales/en.json';
import zh from '../i18n/locales/zh-CN.json';
import { ApiError } from './api.ts';
import { errorMessage, issuesToFieldErrors, serverFieldErrors } from './form-errors.ts';

/** A tiny stand-in for i18next's t over the English strings (with {{var}} interpolation). */
const t = ((key: string, options?: Record<string, unknown>) => {
  const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], en);
  if (typeof value !== 'string') return key;
  return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options?.[name] ?? ''));
}) as unknown as TFunction;

const signUpRequired = { name: 'validation.nameRequired', password: 'validation.passwordRequired' } as const;

describe('client validation messages', () => {
  it('maps the shared sign-up schema issues to translation keys', () => {
    const result = signUpSchema.safeParse({ name: ' ', email: 'nope', password: 'abc' });
    expect(result.success).toBe(false);
    expect(issuesToFieldErrors(result.error!.issues, signUpRequired, t)).toEqual({
      name: 'Enter your name',
      email: 'Enter a valid email address',
      password: 'Use at least 8 characters',
    });
  });

  it('uses the per-form "required" message and reports too-long values', () => {
    const result = signInSchema.safeParse({ email: 'a@example.com', password: '' });
    expect(issuesToFieldErrors(result.error!.issues, { password: 'validation.passwordRequired' }, t)).toEqual({
      password: 'Enter your password',
    });
    const long = signUpSchema.safeParse({ name: 'x'.repeat(101), email: 'a@example.com', password: 'x'.repeat(8) });
    expect(issuesToFieldErrors(long.error!.issues, signUpRequired, t)).toEqual({ name: 'Use at most 100 characters' });
  });
});

describe('server errors', () => {
  it('translates the field errors of a VALIDATION_ERROR it recognises and keeps the others', () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'x',
      fields: [
        { field: 'email', message: 'Enter a valid email address' },
        { field: 'password', message: 'Too big: expected string to have <=128 characters' },
        { field: 'name', message: 'Something new the client does not know' },
      ],
    });
    expect(serverFieldErrors(error, signUpRequired, t)).toEqual({
      email: 'Enter a valid email address',
      password: 'Use at most 128 characters',
      name: 'Something new the client does not know',
    });
  });

  it('prefers a translation of the code, then the server message, never the status', () => {
    expect(errorMessage(new ApiError({ status: 401, code: 'INVALID_CREDENTIALS', message: 'Invalid' }), t)).toBe(
      'Incorrect email or password.',
    );
    expect(errorMessage(new ApiError({ status: 418, code: 'TEAPOT', message: 'I am a teapot' }), t)).toBe(
      'I am a teapot',
    );
    expect(errorMessage(new ApiError({ status: 502, code: 'BAD_RESPONSE', message: '' }), t)).not.toContain('502');
    expect(errorMessage(new Error('boom'), t)).toBe('Something went wrong. Try again.');
  });
});

describe('locales', () => {
  it('zh-CN has exactly the keys of en', () => {
    const keys = (node: unknown, prefix = ''): string[] =>
      Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
        typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`),
      );
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });
});
