import { describe, expect, it } from 'vitest';
import { tFor } from '../i18n/testing.ts';
import { ApiError, CLIENT_ERROR_CODES } from './api.ts';
import { errorText } from './error-text.ts';

const en = tFor('en');
const zh = tFor('zh-CN');

function apiError(status: number, code: string, details: Record<string, unknown> = {}) {
  return new ApiError({ status, code, message: 'An English sentence from the server', details });
}

describe('errorText', () => {
  it('words the fields an error carries, in the reader’s language', () => {
    const poor = apiError(402, 'INSUFFICIENT_CREDITS', { balance: 1_200, required: 25_000 });
    expect(errorText(poor, en)).toBe('This needs 25,000 credits and your balance is 1,200.');
    expect(errorText(poor, zh)).toBe('此操作需要 25,000 积分，你的余额为 1,200 积分。');

    expect(errorText(apiError(429, 'RATE_LIMITED', { retryAfterSeconds: 42 }), en)).toBe(
      'Too many attempts. Try again in 42 seconds.',
    );
    expect(errorText(apiError(429, 'RATE_LIMITED', { retryAfterSeconds: 600 }), zh)).toBe(
      '尝试次数过多，请10分钟后再试。',
    );
    expect(errorText(apiError(409, 'API_KEY_LIMIT', { limit: 25 }), zh)).toBe(
      'API 密钥最多只能有 25 个。请先删除一个再创建。',
    );
    expect(errorText(apiError(409, 'CONFLICT', { reason: 'preset_limit', limit: 100 }), en)).toBe(
      'You can keep at most 100 presets. Delete one first.',
    );
    expect(errorText(apiError(413, 'PAYLOAD_TOO_LARGE', { limit: 1_048_576 }), en)).toBe(
      'That is too large to send (the limit is 1 MB).',
    );
    expect(errorText(apiError(413, 'PAYLOAD_TOO_LARGE', { limit: 16_384 }), zh)).toBe(
      '内容过大，无法发送（上限为 16 kB）。',
    );
    expect(errorText(apiError(400, 'PROVIDER_KEY_REQUIRED', { endpoint: 'x', reason: 'unreadable' }), en)).toContain(
      'can no longer be read',
    );
    const cooldown = errorText(apiError(429, 'CLAIM_COOLDOWN', { nextClaimAt: '2026-01-02T03:04:05Z' }), zh);
    expect(cooldown).toMatch(/^你已领取过免费积分。下次可领取时间：2026年1月2日 /);
  });

  it('falls back to the plain wording when a field is missing or malformed', () => {
    expect(errorText(apiError(402, 'INSUFFICIENT_CREDITS', { balance: '12' }), en)).toBe(
      "You don't have enough credits for this.",
    );
    expect(errorText(apiError(429, 'RATE_LIMITED'), zh)).toBe('尝试次数过多，请稍后再试。');
    expect(errorText(apiError(429, 'CLAIM_COOLDOWN', { nextClaimAt: 'soon' }), en)).toBe(
      "You've already claimed your free tokens. Come back later.",
    );
    expect(errorText(apiError(409, 'CONFLICT', { limit: 3 }), en)).toBe(
      "That can't be done right now. Reload and try again.",
    );
  });

  it('names the field of a validation error and words its problem', () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'params.temperature: Too big: expected number to be <=2',
      fields: [{ field: 'params.temperature', message: 'Too big', code: 'too_big', maximum: 2, origin: 'number' }],
    });
    expect(errorText(error, zh)).toBe('params.temperature：不能大于 2');
    expect(errorText(apiError(400, 'VALIDATION_ERROR'), en)).toBe(
      "Something you sent isn't valid. Check it and try again.",
    );
  });

  it('gives a code it does not know the generic line for its status, never the server’s sentence', () => {
    expect(errorText(apiError(403, 'SOMETHING_NEW'), zh)).toBe('你没有执行此操作的权限。');
    expect(errorText(apiError(503, 'SOMETHING_NEW'), en)).toBe(
      'The service is temporarily unavailable. Try again in a moment.',
    );
    expect(errorText(apiError(599, 'SOMETHING_NEW'), en)).toBe('Something went wrong on the server. Try again.');
    expect(errorText(apiError(418, 'SOMETHING_NEW'), en)).toBe('Something went wrong. Try again.');
    expect(errorText(apiError(0, CLIENT_ERROR_CODES.network), zh)).toBe('无法连接到服务器，请检查网络后重试。');
    expect(errorText(new Error('boom'), en)).toBe('Something went wrong. Try again.');
  });
});
