import { z } from 'zod';

/** 1,000,000 credits = US$1, so a model's USD price per 1M tokens is its credit price per token. */
export const CREDITS_PER_USD = 1_000_000;

export const TRANSACTION_KINDS = [
  'grant',
  'claim',
  'purchase',
  'spend',
  'refund',
  'reversal',
  'auto_refill',
  'admin_adjust',
  'hold',
  'release',
] as const;
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
