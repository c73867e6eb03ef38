import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { stringify } from 'csv-stringify/sync';
import { balanceSchema, transactionPageSchema, transactionQuerySchema } from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
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
}
