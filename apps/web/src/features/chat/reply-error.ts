import type { Message } from '@tessera/shared';
import type { TFunction } from 'i18next';

type ReplyError = NonNullable<Message['error']>;

const REJECTED_PREFIX = 'The model provider rejected the request:';

/**
 * The text shown for a failed reply, in the UI's language. The server stores an English message with a
 * code (apps/server/src/chat/provider-errors.ts, and INTERRUPTED from the orphan sweeper); known codes are
 * translated, keeping the parts that carry information (HTTP status, idle seconds, the provider's own
 * detail). Unknown codes show the server's message as it is.
 *
 * `ownKey`: the reply's endpoint takes the user's own API key (from /api/models); undefined when that is
 * not known, and then the server's wording decides.
 */
export function replyErrorText(error: ReplyError | null, t: TFunction, ownKey?: boolean): string {
  if (!error) return t('chat.replyFailed');
  const { code, message } = error;
  switch (code) {
    case 'PROVIDER_AUTH':
      return (ownKey ?? /your API key/i.test(message)) ? t('replyError.authOwnKey') : t('replyError.auth');
    case 'PROVIDER_RATE_LIMITED':
      return t('replyError.rateLimited');
    case 'PROVIDER_ERROR': {
      const status = /HTTP (\d{3})/.exec(message)?.[1];
      return status ? t('replyError.providerError', { status }) : t('replyError.providerErrorNoStatus');
    }
    case 'PROVIDER_TIMEOUT': {
      const seconds = /(\d+(?:\.\d+)?) s\b/.exec(message)?.[1];
      return seconds ? t('replyError.timeout', { seconds }) : t('replyError.timeoutNoSeconds');
    }
    case 'PROVIDER_STREAM_INTERRUPTED':
      return t('replyError.streamInterrupted');
    case 'PROVIDER_UNAVAILABLE':
      return t('replyError.unavailable');
    case 'PROVIDER_REJECTED': {
      const colon = message.startsWith(REJECTED_PREFIX) ? REJECTED_PREFIX.length - 1 : message.indexOf(':');
      const detail = colon < 0 ? '' : message.slice(colon + 1).trim();
      return detail ? t('replyError.rejected', { detail }) : t('replyError.rejectedNoDetail');
    }
    case 'INTERRUPTED':
      return t('replyError.interrupted');
    default:
      return message || t('chat.replyFailed');
  }
}
