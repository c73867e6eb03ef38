import { queryOptions, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { SignInInput, SignUpInput } from '@tessera/shared';
import { useLocation } from 'wouter';
import { fetchConfig, fetchMe, signIn, signOut, signUp } from './api.ts';

export const meQuery = queryOptions({
  queryKey: ['me'] as const,
  queryFn: ({ signal }) => fetchMe(signal),
  staleTime: 5 * 60_000,
});

export const configQuery = queryOptions({
  queryKey: ['config'] as const,
  queryFn: ({ signal }) => fetchConfig(signal),
  staleTime: 10 * 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function useConfig() {
  return useQuery(configQuery);
}

/** Drops everything cached for the previous user and marks the session as signed out. */
export function clearSession(queryClient: QueryClient): void {
  void queryClient.cancelQueries();
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'config' && q.queryKey[0] !== 'me' });
  queryClient.setQueryData(meQuery.queryKey, null);
}

/** After the server set the session cookie: load who we are, then go home. */
function useEnterApp() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  return async () => {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'config' && q.queryKey[0] !== 'me' });
    await queryClient.fetchQuery({ ...meQuery, staleTime: 0 });
    navigate('/', { replace: true });
  };
}

export function useSignIn() {
  const enterApp = useEnterApp();
  return useMutation({
    mutationFn: (input: SignInInput) => signIn(input),
    onSuccess: enterApp,
  });
}

export function useSignUp() {
  const enterApp = useEnterApp();
  return useMutation({
    mutationFn: (input: SignUpInput) => signUp(input),
    onSuccess: enterApp,
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  return useMutation({
    mutationFn: signOut,
    onSuccess: () => {
      clearSession(queryClient);
      navigate('/sign-in', { replace: true });
    },
  });
}
