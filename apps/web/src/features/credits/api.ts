import type { Balance, ClaimResult, ClaimStatus, TransactionKind, TransactionPage } from '@tessera/shared';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';

export const creditKeys = {
  balance: ['balance'] as const,
  claim: ['claim-status'] as const,
  transactions: (kinds: readonly TransactionKind[]) => ['transactions', kinds.join(',')] as const,
};

export function useBalance() {
  return useQuery({
    queryKey: creditKeys.balance,
    queryFn: ({ signal }) => request<Balance>('/api/balance', { signal }),
  });
}

/** Sets the balance the server just reported, then re-reads it in the background. */
export function setBalance(qc: QueryClient, credits: number) {
  qc.setQueryData<Balance>(creditKeys.balance, (b) => ({ billingEnabled: b?.billingEnabled ?? true, credits }));
  void qc.invalidateQueries({ queryKey: creditKeys.balance });
  void qc.invalidateQueries({ queryKey: ['transactions'] });
}

export function useClaimStatus() {
  return useQuery({
    queryKey: creditKeys.claim,
    queryFn: ({ signal }) => request<ClaimStatus>('/api/tokens/claim', { signal }),
  });
}

export function useClaim() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request<ClaimResult>('/api/tokens/claim', { method: 'POST', body: {} }),
    onSuccess: (result) => {
      setBalance(qc, result.balance);
      void qc.invalidateQueries({ queryKey: creditKeys.claim });
    },
    onError: () => void qc.invalidateQueries({ queryKey: creditKeys.claim }),
  });
}

export function transactionsQuery(kinds: readonly TransactionKind[]) {
  const q = new URLSearchParams();
  if (kinds.length) q.set('kind', kinds.join(','));
  return q;
}

export function useTransactions(kinds: readonly TransactionKind[]) {
  return useInfiniteQuery({
    queryKey: creditKeys.transactions(kinds),
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const q = transactionsQuery(kinds);
      q.set('limit', '50');
      if (pageParam) q.set('cursor', pageParam);
      return request<TransactionPage>(`/api/transactions?${q}`, { signal });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
