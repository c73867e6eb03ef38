import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { CLIENT_ERROR_CODES, isApiError } from '../lib/api.ts';
import { meQuery } from '../features/auth/hooks.ts';

function retry(failureCount: number, error: unknown): boolean {
  if (!isApiError(error)) return failureCount < 2;
  // Only transient failures are worth repeating.
  const transient = error.code === CLIENT_ERROR_CODES.network || error.status >= 500;
  return transient && failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    defaultOptions: {
      queries: { retry, staleTime: 30_000 },
      mutations: { retry: false },
    },
    // A session that ends (expired, signed out in another tab) shows up as UNAUTHORIZED on any
    // request: mark the user signed out, and the router sends them to /sign-in.
    queryCache: new QueryCache({ onError: (error) => onUnauthorized(error) }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthorized(error) }),
  });
  function onUnauthorized(error: unknown) {
    if (isApiError(error) && error.code === 'UNAUTHORIZED') client.setQueryData(meQuery.queryKey, null);
  }
  return client;
}
