import type { ProviderKey, ProviderKeyList } from '@tessera/shared';
import { request } from '../../lib/api.ts';

export async function listProviderKeys(signal?: AbortSignal): Promise<ProviderKey[]> {
  const { keys } = await request<ProviderKeyList>('/api/provider-keys', signal ? { signal } : {});
  return keys;
}

export function saveProviderKey(endpointId: string, apiKey: string): Promise<ProviderKey> {
  return request<ProviderKey>(`/api/provider-keys/${encodeURIComponent(endpointId)}`, {
    method: 'PUT',
    body: { apiKey },
  });
}

export async function removeProviderKey(endpointId: string): Promise<void> {
  await request(`/api/provider-keys/${encodeURIComponent(endpointId)}`, { method: 'DELETE' });
}
