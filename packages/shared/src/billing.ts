import { z } from 'zod';
import { TRANSACTION_KINDS } from './constants.ts';

export const transactionKindSchema = z.enum(TRANSACTION_KINDS);
export type TransactionKind = z.infer<typeof transactionKindSchema>;

export const balanceSchema = z.object({
  credits: z.number().int(),
  /** false when this server does not charge for replies. */
  billingEnabled: z.boolean(),
});
export type Balance = z.infer<typeof balanceSchema>;

export const transactionSchema = z.object({
  id: z.string(),
  kind: transactionKindSchema,
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  description: z.string().nullable(),
  endpoint: z.string().nullable(),
  model: z.string().nullable(),
  conversationId: z.string().nullable(),
  messageId: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  cacheReadTokens: z.number().int().nullable(),
  cacheWriteTokens: z.number().int().nullable(),
  reasoningTokens: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
});
export type Transaction = z.infer<typeof transactionSchema>;

const kindsParam = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(transactionKindSchema));

export const transactionQuerySchema = z.object({
  kind: kindsParam.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().regex(/^\d+$/, 'a cursor from a previous page').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TransactionQuery = z.infer<typeof transactionQuerySchema>;

export const transactionPageSchema = z.object({
  items: z.array(transactionSchema),
  nextCursor: z.string().nullable(),
});
export type TransactionPage = z.infer<typeof transactionPageSchema>;

export const claimStatusSchema = z.object({
  canClaim: z.boolean(),
  amount: z.number().int(),
  nextClaimAt: z.iso.datetime().nullable(),
  remainingMs: z.number().int(),
});
export type ClaimStatus = z.infer<typeof claimStatusSchema>;

export const claimResultSchema = z.object({
  credited: z.number().int(),
  balance: z.number().int(),
  nextClaimAt: z.iso.datetime(),
});
export type ClaimResult = z.infer<typeof claimResultSchema>;
