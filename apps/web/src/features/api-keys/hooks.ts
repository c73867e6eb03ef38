import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKey, CreateApiKeyInput } from '@tessera/shared';
import { createApiKey, deleteApiKey, listApiKeys } from './api.ts';

export const apiKeysQuery = queryOptions({
  queryKey: ['api-keys'] as const,
  queryFn: ({ signal }) => listApiKeys(signal),
});

export function useApiKeys() {
  return useQuery(apiKeysQuery);
}

/** The created key (with its secret) is returned to the caller only; it is never cached. */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CreateApiKeyInput) => createApiKey(input),
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysQuery.queryKey }),
  });
}

export function useDeleteApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteApiKey(id),
    onSuccess: (_data, id) => {
      queryClient.setQueryData<ApiKey[]>(apiKeysQuery.queryKey, (keys) => keys?.filter((k) => k.id !== id));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiKeysQuery.queryKey }),
  });
}
