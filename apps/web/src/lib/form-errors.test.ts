import { signInSchema, signUpSchema } from '@tessera/shared';
import { describe, expect, it } from 'vitest';
import { tFor } from '../i18n/testing.ts';
import { ApiError } from './api.ts';
import { errorMessage, issuesToFieldErrors, serverFieldErrors } from './form-errors.ts';

const t = tFor('en');

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
  it('words the field issues of a VALIDATION_ERROR from their codes and bounds, never their English', () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'x',
      fields: [
        { field: 'email', message: 'Enter a valid email address', code: 'invalid_format', format: 'email' },
        { field: 'password', message: 'Too big', code: 'too_big', maximum: 128, origin: 'string' },
        { field: 'name', message: 'Something new the client does not know' },
      ],
    });
    expect(serverFieldErrors(error, signUpRequired, t)).toEqual({
      email: 'Enter a valid email address',
      password: 'Use at most 128 characters',
      name: 'Check this value',
    });
    const zh = serverFieldErrors(error, signUpRequired, tFor('zh-CN'));
    expect(zh).toEqual({ email: '请输入有效的邮箱地址', password: '最多 128 个字符', name: '请检查此项' });
  });

  it("uses the form's own words for an empty field, and numbers' bounds for numbers", () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'x',
      fields: [
        { field: 'name', message: 'Enter your name', code: 'too_small', minimum: 1, origin: 'string' },
        { field: 'params.temperature', message: 'Too big', code: 'too_big', maximum: 2, origin: 'number' },
        { field: 'endpoint', message: 'Unknown endpoint', code: 'unknown' },
      ],
    });
    expect(serverFieldErrors(error, signUpRequired, t)).toEqual({
      name: 'Enter your name',
      params: 'Use a value of at most 2',
      endpoint: "This isn't available on this server",
    });
  });

  it('words any error from its code, never from its message or bare status', () => {
    expect(errorMessage(new ApiError({ status: 401, code: 'INVALID_CREDENTIALS', message: 'Invalid' }), t)).toBe(
      'Incorrect email or password.',
    );
    expect(errorMessage(new ApiError({ status: 418, code: 'TEAPOT', message: 'I am a teapot' }), t)).toBe(
      'Something went wrong. Try again.',
    );
    expect(errorMessage(new ApiError({ status: 502, code: 'BAD_RESPONSE', message: '' }), t)).not.toContain('502');
    expect(errorMessage(new Error('boom'), t)).toBe('Something went wrong. Try again.');
  });
});
