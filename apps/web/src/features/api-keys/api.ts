import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from '@tessera/shared';
import { request } from '../../lib/api.ts';

export async function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  const { keys } = await request<{ keys: ApiKey[] }>('/api/keys', signal ? { signal } : {});
  return keys;
}

export function createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
  return request<CreatedApiKey>('/api/keys', { method: 'POST', body: input });
}

export async function deleteApiKey(id: string): Promise<void> {
  await request(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
