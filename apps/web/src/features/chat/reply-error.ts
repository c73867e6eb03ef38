import type { ReplyError } from '@tessera/shared';
import type { TFunction } from 'i18next';
import { relativeWait } from '../../lib/error-text.ts';

/**
 * The text shown for a failed reply, in the UI's language, worded from the error's code and fields
 * (apps/server/src/chat/provider-errors.ts fills them; INTERRUPTED comes from the orphan sweeper). The
 * server's English `message` is never shown nor read: a code this build does not know gets the generic
 * "the reply failed". A reply saved before the fields existed reads without the status or seconds.
 *
 * `ownKey`: the reply's endpoint takes the user's own API key (from /api/models); it decides when the
 * error itself does not say (`userKey`), e.g. for a reply saved before it did.
 */
export function replyErrorText(error: ReplyError | null, t: TFunction, ownKey?: boolean): string {
  if (!error) return t('chat.replyFailed');
  const { code, status, retryAfterSeconds, detail, idleSeconds } = error;
  switch (code) {
    case 'PROVIDER_AUTH':
      return (error.userKey ?? ownKey) ? t('replyError.PROVIDER_AUTH_ownKey') : t('replyError.PROVIDER_AUTH');
    case 'PROVIDER_RATE_LIMITED':
      return positive(retryAfterSeconds) && retryAfterSeconds >= 1
        ? t('replyError.PROVIDER_RATE_LIMITED_retry', relativeWait(retryAfterSeconds))
        : t('replyError.PROVIDER_RATE_LIMITED');
    case 'PROVIDER_ERROR':
      return positive(status) ? t('replyError.PROVIDER_ERROR_status', { status }) : t('replyError.PROVIDER_ERROR');
    case 'PROVIDER_TIMEOUT':
      return positive(idleSeconds)
        ? t('replyError.PROVIDER_TIMEOUT_seconds', { seconds: idleSeconds })
        : t('replyError.PROVIDER_TIMEOUT');
    case 'PROVIDER_REJECTED':
      return detail?.trim()
        ? t('replyError.PROVIDER_REJECTED_detail', { detail: detail.trim() })
        : t('replyError.PROVIDER_REJECTED');
    case 'PROVIDER_STREAM_INTERRUPTED':
    case 'PROVIDER_UNAVAILABLE':
    case 'INTERRUPTED':
      return t(`replyError.${code}`);
    default:
      return t('chat.replyFailed');
  }
}

function positive(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
