import type { Me, PublicConfig, SignInInput, SignUpInput } from '@tessera/shared';
import { isApiError, request } from '../../lib/api.ts';

export function fetchConfig(signal?: AbortSignal): Promise<PublicConfig> {
  return request<PublicConfig>('/api/config', signal ? { signal } : {});
}

/** The signed-in user, or null when signed out (401). */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return await request<Me>('/api/me', signal ? { signal } : {});
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export async function signUp(input: SignUpInput): Promise<void> {
  await request('/api/auth/sign-up/email', { method: 'POST', body: input });
}

export async function signIn(input: SignInInput): Promise<void> {
  await request('/api/auth/sign-in/email', { method: 'POST', body: input });
}

export async function signOut(): Promise<void> {
  await request('/api/auth/sign-out', { method: 'POST', body: {} });
}
