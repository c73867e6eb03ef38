import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ProviderKey } from '@tessera/shared';
import { chatKeys } from '../chat/api.ts';
import { listProviderKeys, removeProviderKey, saveProviderKey } from './api.ts';

export const providerKeysQuery = queryOptions({
  queryKey: ['provider-keys'] as const,
  queryFn: ({ signal }) => listProviderKeys(signal),
});

export function useProviderKeys() {
  return useQuery(providerKeysQuery);
}

function replace(qc: QueryClient, next: ProviderKey) {
  qc.setQueryData<ProviderKey[]>(providerKeysQuery.queryKey, (keys) =>
    keys?.map((k) => (k.endpointId === next.endpointId ? next : k)),
  );
}

/** Saving or removing a key changes which models can be used: the model list is read again too. */
function refresh(qc: QueryClient) {
  void qc.invalidateQueries({ queryKey: providerKeysQuery.queryKey });
  void qc.invalidateQueries({ queryKey: chatKeys.models });
}

/** The key travels to the server once; only its hint comes back and is cached. */
export function useSaveProviderKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ endpointId, apiKey }: { endpointId: string; apiKey: string }) => saveProviderKey(endpointId, apiKey),
    onSuccess: (saved) => replace(qc, saved),
    onSettled: () => refresh(qc),
  });
}

export function useRemoveProviderKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (key: ProviderKey) => removeProviderKey(key.endpointId),
    onSuccess: (_data, key) => replace(qc, { ...key, hasKey: false, status: 'none', hint: null, updatedAt: null }),
    onSettled: () => refresh(qc),
  });
}
