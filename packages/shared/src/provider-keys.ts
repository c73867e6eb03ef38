import { z } from 'zod';
import { endpointKindSchema } from './chat.ts';
import { PROVIDER_KEY_MAX_LENGTH } from './constants.ts';

/**
 * A user's own key for an endpoint configured with `apiKey: user_provided`:
 * `none` — not saved; `set` — saved and readable; `unreadable` — saved under another server secret, enter it again.
 */
export const providerKeyStatusSchema = z.enum(['none', 'set', 'unreadable']);
export type ProviderKeyStatus = z.infer<typeof providerKeyStatusSchema>;

/** One user_provided endpoint and the state of this user's key for it. The key itself is never sent back. */
export const providerKeySchema = z.object({
  endpointId: z.string(),
  name: z.string(),
  kind: endpointKindSchema,
  /** `free`: replies on this endpoint cost no credits (the user pays the provider); `credits`: they are charged too. */
  billing: z.enum(['credits', 'free']),
  hasKey: z.boolean(),
  status: providerKeyStatusSchema,
  /** The last characters of the saved key, to recognise it (empty for very short keys). */
  hint: z.string().nullable(),
  updatedAt: z.iso.datetime().nullable(),
});
export type ProviderKey = z.infer<typeof providerKeySchema>;

export const providerKeyListSchema = z.object({ keys: z.array(providerKeySchema) });
export type ProviderKeyList = z.infer<typeof providerKeyListSchema>;

export const providerKeyParamsSchema = z.object({ endpointId: z.string().min(1).max(100) });

export const putProviderKeySchema = z.object({
  apiKey: z
    .string('Enter your API key')
    .trim()
    .min(1, 'Enter your API key')
    .max(PROVIDER_KEY_MAX_LENGTH, `At most ${PROVIDER_KEY_MAX_LENGTH} characters`)
    .regex(/^[\x21-\x7e]*$/, 'Use the key exactly as your provider shows it: no spaces or special characters'),
});
export type PutProviderKeyInput = z.infer<typeof putProviderKeySchema>;
