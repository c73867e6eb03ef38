import { z } from 'zod';
import { API_KEY_SCOPES, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './constants.ts';

export const emailSchema = z.email({ error: 'Enter a valid email address' }).max(254);

/** Control characters (NUL above all, which PostgreSQL cannot store) have no place in a name. */
export const userNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter your name')
  .max(100)
  .regex(/^\P{Cc}*$/u, 'Remove control characters from the name');

export const signUpSchema = z.object({
  name: userNameSchema,
  email: emailSchema,
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH),
});
export type SignUpInput = z.infer<typeof signUpSchema>;

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH),
});
export type SignInInput = z.infer<typeof signInSchema>;

/** What a user may change about themselves; better-auth would take any field (and any image URL). */
export const updateUserSchema = z.strictObject({ name: userNameSchema });
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const userRoleSchema = z.enum(['user', 'admin']);
export type UserRole = z.infer<typeof userRoleSchema>;

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: userRoleSchema,
});
export type Me = z.infer<typeof meSchema>;

export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Name the key').max(100),
  /** Keys are mostly made for chat clients, so the least power is the default. */
  scope: apiKeyScopeSchema.default('chat'),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, so a user can tell keys apart. */
  prefix: z.string(),
  scope: apiKeyScopeSchema,
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: apiKeyScopeSchema,
  /** Shown once; only its hash is stored. */
  key: z.string(),
});
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });

export const idParamSchema = z.object({ id: z.string().min(1).max(100) });
