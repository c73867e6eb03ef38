import {
  apiKeyListSchema,
  createdApiKeySchema,
  type ApiKey,
  type CreateApiKeyInput,
  type CreatedApiKey,
} from '@tessera/shared';
import { request } from '../../lib/api.ts';

export async function listApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  const { keys } = await request('/api/keys', { schema: apiKeyListSchema, ...(signal ? { signal } : {}) });
  return keys;
}

export function createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKey> {
  return request('/api/keys', { method: 'POST', body: input, schema: createdApiKeySchema });
}

export async function deleteApiKey(id: string): Promise<void> {
  await request(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
