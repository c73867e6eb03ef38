import type { ClaimResult, ClaimStatus } from '@tessera/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';
import { setBalance } from '../../lib/balance.ts';

export const claimKeys = { status: ['claim-status'] as const };

export function useClaimStatus() {
  return useQuery({
    queryKey: claimKeys.status,
    queryFn: ({ signal }) => request<ClaimStatus>('/api/tokens/claim', { signal }),
  });
}

export function useClaim() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => request<ClaimResult>('/api/tokens/claim', { method: 'POST', body: {} }),
    onSuccess: (result) => {
      setBalance(qc, result.balance);
      void qc.invalidateQueries({ queryKey: claimKeys.status });
    },
    onError: () => void qc.invalidateQueries({ queryKey: claimKeys.status }),
  });
}
