import type { ReplyError } from '@tessera/shared';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/locales/en.json';
import zh from '../../i18n/locales/zh-CN.json';
import { tFor } from '../../i18n/testing.ts';
import { replyErrorText } from './reply-error.ts';

const t = tFor('zh-CN');

/** A reply error as the server sends it: a code, the fields, and an English message that must not matter. */
function failed(code: string, fields: Omit<ReplyError, 'code' | 'message'> = {}): ReplyError {
  return { code, message: 'The model provider rejected your API key (HTTP 418) for 99 s: ignore me', ...fields };
}

describe('replyErrorText', () => {
  it('translates every known code from its code alone', () => {
    expect(replyErrorText(failed('PROVIDER_AUTH'), t)).toBe(zh.replyError.PROVIDER_AUTH);
    expect(replyErrorText(failed('PROVIDER_RATE_LIMITED'), t)).toBe(zh.replyError.PROVIDER_RATE_LIMITED);
    expect(replyErrorText(failed('PROVIDER_ERROR'), t)).toBe(zh.replyError.PROVIDER_ERROR);
    expect(replyErrorText(failed('PROVIDER_TIMEOUT'), t)).toBe(zh.replyError.PROVIDER_TIMEOUT);
    expect(replyErrorText(failed('PROVIDER_STREAM_INTERRUPTED'), t)).toBe(zh.replyError.PROVIDER_STREAM_INTERRUPTED);
    expect(replyErrorText(failed('PROVIDER_UNAVAILABLE'), t)).toBe(zh.replyError.PROVIDER_UNAVAILABLE);
    expect(replyErrorText(failed('PROVIDER_REJECTED'), t)).toBe(zh.replyError.PROVIDER_REJECTED);
    expect(replyErrorText(failed('INTERRUPTED'), t)).toBe(zh.replyError.INTERRUPTED);
  });

  it("tells the user's own key from the operator's: by the error's userKey, else by the endpoint", () => {
    expect(replyErrorText(failed('PROVIDER_AUTH', { status: 401, userKey: true }), t)).toBe(
      zh.replyError.PROVIDER_AUTH_ownKey,
    );
    expect(replyErrorText(failed('PROVIDER_AUTH', { status: 401, userKey: true }), t, false)).toBe(
      zh.replyError.PROVIDER_AUTH_ownKey,
    );
    expect(replyErrorText(failed('PROVIDER_AUTH', { status: 401 }), t)).toBe(zh.replyError.PROVIDER_AUTH);
    // A reply saved before the error said whose key it was: the endpoint decides.
    expect(replyErrorText(failed('PROVIDER_AUTH'), t, true)).toBe(zh.replyError.PROVIDER_AUTH_ownKey);
    expect(replyErrorText(failed('PROVIDER_AUTH'), t, false)).toBe(zh.replyError.PROVIDER_AUTH);
  });

  it('words the HTTP status, the idle seconds, the wait and the provider’s own detail from their fields', () => {
    expect(replyErrorText(failed('PROVIDER_ERROR', { status: 503 }), t)).toBe('模型服务商出错（HTTP 503），请重试。');
    expect(replyErrorText(failed('PROVIDER_TIMEOUT', { idleSeconds: 60 }), t)).toBe(
      '模型服务商 60 秒内没有返回任何内容，回复已中断。',
    );
    expect(replyErrorText(failed('PROVIDER_RATE_LIMITED', { status: 429, retryAfterSeconds: 20 }), t)).toBe(
      '模型服务商正在限制请求频率，请20秒钟后再试。',
    );
    expect(replyErrorText(failed('PROVIDER_RATE_LIMITED', { retryAfterSeconds: 300 }), tFor('en'))).toBe(
      'The model provider is rate-limiting requests; try again in 5 minutes.',
    );
    // Under a second: by the time it is read, "in a moment" is the truth.
    expect(replyErrorText(failed('PROVIDER_RATE_LIMITED', { retryAfterSeconds: 0.05 }), t)).toBe(
      zh.replyError.PROVIDER_RATE_LIMITED,
    );
    expect(
      replyErrorText(
        failed('PROVIDER_REJECTED', { status: 400, detail: 'Invalid value for "temperature": must be <= 2' }),
        t,
      ),
    ).toBe('模型服务商拒绝了此请求：Invalid value for "temperature": must be <= 2');
    expect(replyErrorText(failed('PROVIDER_REJECTED', { status: 400, detail: '  ' }), t)).toBe(
      zh.replyError.PROVIDER_REJECTED,
    );
  });

  it('never shows the server’s sentence: an unknown code gets the generic line', () => {
    expect(replyErrorText(failed('SOMETHING_NEW'), t)).toBe(zh.chat.replyFailed);
    expect(replyErrorText({ code: 'SOMETHING_NEW', message: '' }, t)).toBe(zh.chat.replyFailed);
    expect(replyErrorText(null, tFor('en'))).toBe(en.chat.replyFailed);
  });
});
