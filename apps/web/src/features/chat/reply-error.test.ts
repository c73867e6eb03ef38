import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/locales/en.json';
import zh from '../../i18n/locales/zh-CN.json';
import { replyErrorText } from './reply-error.ts';

/** A tiny stand-in for i18next's t over one locale's strings (with {{var}} interpolation). */
function tFor(strings: unknown): TFunction {
  return ((key: string, options?: Record<string, unknown>) => {
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], strings);
    if (typeof value !== 'string') return key;
    return value.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(options?.[name] ?? ''));
  }) as unknown as TFunction;
}
const t = tFor(zh);

// The server's wordings, as apps/server/src/chat/provider-errors.ts and the orphan sweeper write them.
const server = {
  operatorKey: 'The model provider rejected the API key configured for this endpoint.',
  ownKey: 'The model provider rejected your API key for this endpoint; check it under Settings → Provider keys.',
  http: 'The model provider had an error (HTTP 503); try again.',
  timeout: 'The provider sent nothing for 60 s; the reply was cut off.',
  rejected: 'The model provider rejected the request: Invalid value for "temperature": must be <= 2',
};

describe('replyErrorText', () => {
  it('translates every known code', () => {
    expect(replyErrorText({ code: 'PROVIDER_AUTH', message: server.operatorKey }, t)).toBe(zh.replyError.auth);
    expect(replyErrorText({ code: 'PROVIDER_RATE_LIMITED', message: 'x' }, t)).toBe(zh.replyError.rateLimited);
    expect(replyErrorText({ code: 'PROVIDER_STREAM_INTERRUPTED', message: 'x' }, t)).toBe(
      zh.replyError.streamInterrupted,
    );
    expect(replyErrorText({ code: 'PROVIDER_UNAVAILABLE', message: 'x' }, t)).toBe(zh.replyError.unavailable);
    expect(replyErrorText({ code: 'INTERRUPTED', message: 'x' }, t)).toBe(zh.replyError.interrupted);
  });

  it("tells the user's own key from the operator's: by the endpoint when known, else by the wording", () => {
    expect(replyErrorText({ code: 'PROVIDER_AUTH', message: server.ownKey }, t)).toBe(zh.replyError.authOwnKey);
    expect(replyErrorText({ code: 'PROVIDER_AUTH', message: server.operatorKey }, t, true)).toBe(
      zh.replyError.authOwnKey,
    );
    expect(replyErrorText({ code: 'PROVIDER_AUTH', message: server.ownKey }, t, false)).toBe(zh.replyError.auth);
  });

  it('keeps the HTTP status, the idle seconds and the provider’s own detail', () => {
    expect(replyErrorText({ code: 'PROVIDER_ERROR', message: server.http }, t)).toBe(
      '模型服务商出错（HTTP 503），请重试。',
    );
    expect(replyErrorText({ code: 'PROVIDER_ERROR', message: 'odd' }, t)).toBe(zh.replyError.providerErrorNoStatus);
    expect(replyErrorText({ code: 'PROVIDER_TIMEOUT', message: server.timeout }, t)).toBe(
      '模型服务商 60 秒内没有返回任何内容，回复已中断。',
    );
    expect(replyErrorText({ code: 'PROVIDER_REJECTED', message: server.rejected }, t)).toBe(
      '模型服务商拒绝了此请求：Invalid value for "temperature": must be <= 2',
    );
    expect(replyErrorText({ code: 'PROVIDER_REJECTED', message: 'rejected' }, t)).toBe(zh.replyError.rejectedNoDetail);
  });

  it('shows the server message for an unknown code, and a generic line without one', () => {
    expect(replyErrorText({ code: 'SOMETHING_NEW', message: 'Something new broke.' }, t)).toBe('Something new broke.');
    expect(replyErrorText({ code: 'SOMETHING_NEW', message: '' }, t)).toBe(zh.chat.replyFailed);
    expect(replyErrorText(null, tFor(en))).toBe(en.chat.replyFailed);
  });
});
