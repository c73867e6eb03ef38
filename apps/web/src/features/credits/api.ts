import type { Balance, TransactionKind, TransactionPage } from '@tessera/shared';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';
import { creditKeys } from '../../lib/balance.ts';

export function useBalance() {
  return useQuery({
    queryKey: creditKeys.balance,
    queryFn: ({ signal }) => request<Balance>('/api/balance', { signal }),
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
