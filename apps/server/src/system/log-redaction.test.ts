import { APICallError, RetryError, TypeValidationError } from 'ai';
import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { maskSecrets, safeError, safeText } from './log-redaction.ts';

const PROMPT = 'my secret diary entry about the harbour';
const KEY = 'sk-proj-Zq8vLm3Xw0TtYb7RkPaN4cUe1sHd6FgJ';

describe('maskSecrets', () => {
  it.each([
    ['OpenAI', `Incorrect API key provided: ${KEY}.`, 'sk-proj-[redacted]'],
    ['Anthropic', 'key sk-ant-api03-abcdefGHIJKL012345', 'sk-ant-[redacted]'],
    ['Tessera', 'tsk_0123456789abcdefABCDEF', 'tsk_[redacted]'],
    ['Google', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUv', 'AIza[redacted]'],
    ['Bearer', 'authorization failed for Bearer abc.def.ghi', 'Bearer [redacted]'],
    ['query', 'GET /v1beta/models?key=plainvalue&alt=sse', 'key=[redacted]'],
    ['JSON field', '{"apiKey":"whatever-it-is"}', '"apiKey":"[redacted]'],
    ['SHA-256', `hash ${'ab12'.repeat(16)} stored`, 'hash [redacted] stored'],
  ])('masks a %s secret', (_name, text, expected) => {
    const masked = maskSecrets(text);
    expect(masked).toContain(expected);
  });

  it('leaves UUIDs, words and ordinary numbers alone', () => {
    const text = 'message 0b9f1c2e-7d4a-4e8b-9c3d-5a6b7c8d9e0f of risk-assessment took 1234 ms';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('safeError', () => {
  it('keeps status, URL and the masked provider message of an AI SDK call error, never the request body', () => {
    const error = new APICallError({
      message: `Incorrect API key provided: ${KEY}`,
      url: 'https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse&key=AIzaSecretSecret1234567890',
      requestBodyValues: { system: PROMPT, messages: [{ role: 'user', content: PROMPT }] },
      statusCode: 401,
      responseHeaders: { 'set-cookie': 'session=abc' },
      responseBody: JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}`, prompt: PROMPT } }),
      data: { prompt: PROMPT },
    });
    const logged = safeError(
      new RetryError({ message: 'Failed after 3 attempts', reason: 'maxRetriesExceeded', errors: [error] }),
    );
    const text = JSON.stringify(logged);
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('AIzaSecret');
    expect(text).not.toContain('session=abc');
    expect(logged.cause).toMatchObject({
      type: 'AI_APICallError',
      status: 401,
      url: 'https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent',
      message: 'Incorrect API key provided: sk-proj-[redacted]',
    });
  });

  it('keeps the SQL and the PostgreSQL error code of a failed query, never its parameters or detail', () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "users_email_unique"'), {
      code: '23505',
      constraint: 'users_email_unique',
      table: 'users',
      detail: 'Key (email)=(ada@example.com) already exists.',
      where: `SQL statement with ${PROMPT}`,
    });
    const error = new DrizzleQueryError(
      'insert into "users" ("email", "note") values ($1, $2)',
      ['ada@example.com', PROMPT],
      pg,
    );
    const logged = safeError(error);
    const text = JSON.stringify(logged);
    expect(text).not.toContain(PROMPT);
    expect(text).not.toContain('ada@example.com');
    expect(logged).toMatchObject({
      message: 'Failed query: insert into "users" ("email", "note") values ($1, $2)',
      cause: { code: '23505', constraint: 'users_email_unique', table: 'users' },
    });
  });

  it('drops the value an AI SDK validation error quotes', () => {
    const error = new TypeValidationError({ value: { text: PROMPT }, cause: new Error('expected a string') });
    const logged = safeError(error);
    expect(JSON.stringify(logged)).not.toContain(PROMPT);
    expect(logged.message).toBe('Type validation failed');
    expect(logged.cause?.message).toBe('expected a string');
  });

  it('keeps stack frames but not the first line, which repeats the message', () => {
    const logged = safeError(new Error(`provider said ${KEY}`));
    expect(logged.stack).toMatch(/^\s+at /);
    expect(logged.stack).not.toContain('sk-proj');
  });

  it('describes thrown non-errors and stops on a cause cycle', () => {
    expect(safeError('client closed')).toMatchObject({ type: 'string', message: 'client closed' });
    const loop: Error & { cause?: unknown } = new Error('a');
    const other: Error & { cause?: unknown } = new Error('b', { cause: loop });
    loop.cause = other;
    expect(() => JSON.stringify(safeError(loop))).not.toThrow();
  });

  it('trims and masks raw texts logged under body', () => {
    const masked = safeText(`{"error":"${KEY}"}${'x'.repeat(1000)}`) as string;
    expect(masked).not.toContain(KEY);
    expect(masked.length).toBeLessThan(520);
  });
});
