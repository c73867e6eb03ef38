import { z } from 'zod';

export const healthSchema = z.object({ status: z.literal('ok') });

export const readySchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  database: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down', 'disabled']),
});

/** What the web app needs to know about this server before anyone signs in. */
export const publicConfigSchema = z.object({
  registrationOpen: z.boolean(),
  passwordMinLength: z.number().int(),
  version: z.string(),
  /** Whether Stripe is configured, so the web app offers "Buy tokens". */
  payments: z.boolean(),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;
