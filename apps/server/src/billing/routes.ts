import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { stringify } from 'csv-stringify/sync';
import {
  balanceSchema,
  claimResultSchema,
  claimStatusSchema,
  errorBodySchema,
  transactionPageSchema,
  transactionQuerySchema,
} from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
import { AppError } from '../http/errors.ts';
import type { BillingConfig, Ledger } from './ledger.ts';

const CSV_MAX_ROWS = 100_000;
const CSV_COLUMNS = [
  'id',
  'createdAt',
  'kind',
  'amount',
  'balanceAfter',
  'description',
  'endpoint',
  'model',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'conversationId',
  'messageId',
] as const;

export async function billingRoutes(
  app: FastifyInstance,
  { ledger, billing }: { ledger: Ledger; billing: BillingConfig },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/api/balance',
    {
      onRequest: requireUser,
      schema: { tags: ['billing'], summary: "The user's credit balance", response: { 200: balanceSchema } },
    },
    async (request) => ({ credits: await ledger.balance(request.user!.id), billingEnabled: billing.enabled }),
  );

  api.get(
    '/api/transactions',
    {
      onRequest: requireUser,
      schema: {
        tags: ['billing'],
        summary: 'The credit history, newest first; filter by kinds (comma-separated) and a date range',
        querystring: transactionQuerySchema,
        response: { 200: transactionPageSchema },
      },
    },
    async (request) => ledger.history(request.user!.id, request.query),
  );

  api.get(
    '/api/transactions/export.csv',
    {
      onRequest: requireUser,
      schema: {
        tags: ['billing'],
        summary: 'The credit history as CSV (same filters, no paging)',
        querystring: transactionQuerySchema.omit({ cursor: true, limit: true }),
      },
    },
    async (request, reply) => {
      const { items } = await ledger.history(request.user!.id, { ...request.query, limit: CSV_MAX_ROWS });
      const csv = stringify(items, { header: true, columns: [...CSV_COLUMNS] });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="tessera-transactions.csv"')
        .send(csv);
    },
  );

  api.get(
    '/api/tokens/claim',
    {
      onRequest: requireUser,
      schema: {
        tags: ['billing'],
        summary: 'Whether the daily free tokens can be claimed now',
        response: { 200: claimStatusSchema },
      },
    },
    async (request) => {
      const status = await ledger.claimStatus(request.user!.id);
      return billing.enabled && billing.claim.enabled ? status : { ...status, canClaim: false };
    },
  );

  api.post(
    '/api/tokens/claim',
    {
      onRequest: requireUser,
      schema: {
        tags: ['billing'],
        summary: 'Claim the daily free tokens',
        response: { 200: claimResultSchema, 429: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      if (!billing.enabled || !billing.claim.enabled) {
        throw new AppError('BILLING_DISABLED', 'Claiming free tokens is turned off on this server');
      }
      const result = await ledger.claim(request.user!.id);
      return { ...result, nextClaimAt: result.nextClaimAt.toISOString() };
    },
  );
}
