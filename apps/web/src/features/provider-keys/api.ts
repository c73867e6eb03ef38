import { providerKeyListSchema, providerKeySchema, type ProviderKey } from '@tessera/shared';
import { request } from '../../lib/api.ts';

export async function listProviderKeys(signal?: AbortSignal): Promise<ProviderKey[]> {
  const { keys } = await request('/api/provider-keys', {
    schema: providerKeyListSchema,
    ...(signal ? { signal } : {}),
  });
  return keys;
}

export function saveProviderKey(endpointId: string, apiKey: string): Promise<ProviderKey> {
  return request(`/api/provider-keys/${encodeURIComponent(endpointId)}`, {
    method: 'PUT',
    body: { apiKey },
    schema: providerKeySchema,
  });
}

export async function removeProviderKey(endpointId: string): Promise<void> {
  await request(`/api/provider-keys/${encodeURIComponent(endpointId)}`, { method: 'DELETE' });
}
