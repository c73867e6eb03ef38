import type { Balance, TransactionKind } from '@tessera/shared';
import type { QueryClient } from '@tanstack/react-query';

/**
 * The balance and the credit history as the query cache holds them. Features that change credits
 * (chat replies, the daily claim, purchases) update them through here, not through each other.
 */
export const creditKeys = {
  balance: ['balance'] as const,
  /** Every page of every filter of the history. */
  allTransactions: ['transactions'] as const,
  transactions: (kinds: readonly TransactionKind[]) => ['transactions', kinds.join(',')] as const,
};

/** The balance and the history are out of date: re-read them. */
export function refreshCredits(qc: QueryClient): void {
  void qc.invalidateQueries({ queryKey: creditKeys.balance });
  void qc.invalidateQueries({ queryKey: creditKeys.allTransactions });
}

/** Sets the balance the server just reported, then re-reads it and the history in the background. */
export function setBalance(qc: QueryClient, credits: number): void {
  qc.setQueryData<Balance>(creditKeys.balance, (b) => ({ billingEnabled: b?.billingEnabled ?? true, credits }));
  refreshCredits(qc);
}
