import type { Transaction } from '@tessera/shared';
import type { TFunction } from 'i18next';

/**
 * A statement row in the reader's language, worded from its kind and structured fields. The server's
 * `description` is English for the CSV export and logs; it is shown only where it is an administrator's
 * own note (a grant or an adjustment from the admin CLI), which is nobody's sentence to translate.
 */

/**
 * The ledger writes this fixed description on the start-balance grant and nothing else tells that grant
 * from an administrator's: until a row carries its source as a field, it is recognised by this value.
 */
const START_BALANCE = 'Start balance';

function isStartBalance(tx: Transaction): boolean {
  return tx.kind === 'grant' && tx.description === START_BALANCE;
}

/**
 * What the row is: its kind, or finer where the fields tell (a conversation's title, a reply through
 * the API, the start balance).
 */
export function transactionLabel(tx: Transaction, t: TFunction): string {
  // A reply's spend names its message; a title's names only its conversation; an API reply's neither.
  if (tx.kind === 'spend' && tx.messageId === null) {
    return tx.conversationId === null ? t('credits.entry.api') : t('credits.entry.title');
  }
  if (isStartBalance(tx)) return t('credits.entry.startBalance');
  return t(`credits.kinds.${tx.kind}`);
}

/** The row's particulars: the model it paid for, a disputed payment, or an administrator's note. */
export function transactionDetail(tx: Transaction, t: TFunction): string {
  switch (tx.kind) {
    case 'spend':
    case 'hold':
    case 'release':
      return tx.model ?? '';
    case 'reversal':
      return t('credits.entry.disputed');
    case 'grant':
    case 'admin_adjust':
      return isStartBalance(tx) ? '' : (tx.description ?? '');
    default:
      return tx.model ?? '';
  }
}
