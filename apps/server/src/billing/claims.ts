// Claim Tokens: the daily free credits, as one piece (its ledger write, its status and its two routes).
// Removing it is deleting this file and its registration line in app.ts.
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { claimResultSchema, claimStatusSchema, errorBodySchema } from '@tessera/shared';
import { requireUser } from '../auth/guard.ts';
import type { Db } from '../db/client.ts';
import { balances } from '../db/schema.ts';
import { sqlState, UNIQUE_VIOLATION } from '../db/sql.ts';
import { AppError } from '../http/errors.ts';
import { BalanceStatement, p } from './balance-write.ts';
import type { BillingConfig, Clock, Ledger } from './ledger.ts';

const HOUR_MS = 3_600_000;

/**
 * The daily claim: the balance changes only if the cooldown has passed, and its ledger row is keyed
 * by the user's claim window, so no race can credit twice.
 */
const CLAIM = new BalanceStatement(
  {
    userId: p('userId'),
    at: p('now'),
    set: sql`last_claim_at = ${p('now')}::timestamptz`,
    when: sql`balances.last_claim_at is null or balances.last_claim_at <= ${p('cutoff')}::timestamptz`,
    rows: [{ kind: 'claim', amount: p('amount'), key: p('key'), details: { description: 'Daily claim' } }],
  },
  'ledger_claim',
);

export class ClaimCooldownError extends AppError {
  constructor(nextClaimAt: Date, remainingMs: number) {
    super('CLAIM_COOLDOWN', 'You have already claimed your free tokens; the next claim opens later', {
      nextClaimAt: nextClaimAt.toISOString(),
      remainingMs,
    });
  }
}

export function createClaims(
  db: Db,
  billing: BillingConfig,
  ledger: Pick<Ledger, 'openAccount'>,
  clock: Clock = () => new Date(),
) {
  const claimMs = billing.claim.cooldownHours * HOUR_MS;

  async function lastClaimAt(userId: string) {
    const [row] = await db
      .select({ lastClaimAt: balances.lastClaimAt })
      .from(balances)
      .where(eq(balances.userId, userId));
    return row;
  }

  return {
    async status(userId: string) {
      const now = clock();
      const row = await lastClaimAt(userId);
      const next = row?.lastClaimAt ? new Date(row.lastClaimAt.getTime() + claimMs) : null;
      const remainingMs = next ? Math.max(0, next.getTime() - now.getTime()) : 0;
      return {
        canClaim: remainingMs === 0,
        amount: billing.claim.amount,
        nextClaimAt: remainingMs > 0 ? next!.toISOString() : null,
        remainingMs,
      };
    },

    /** The daily claim, or ClaimCooldownError with the time left. */
    async claim(userId: string): Promise<{ credited: number; balance: number; nextClaimAt: Date }> {
      const now = clock();
      const amount = billing.claim.amount;
      let rows: { balanceAfter: number }[] = [];
      try {
        rows = await CLAIM.run(db, {
          userId,
          now,
          cutoff: new Date(now.getTime() - claimMs),
          amount,
          // Any two claims at least a cooldown apart fall in different windows, so the key never blocks a fair claim.
          key: `claim:${userId}:${Math.floor(now.getTime() / claimMs)}`,
        });
      } catch (error) {
        if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
      }
      if (rows.length === 0) {
        const row = await lastClaimAt(userId);
        // An account made before billing existed has no balance row yet: open it and claim again.
        if (!row) {
          await ledger.openAccount(userId);
          return this.claim(userId);
        }
        const next = new Date((row.lastClaimAt ?? now).getTime() + claimMs);
        throw new ClaimCooldownError(next, Math.max(0, next.getTime() - now.getTime()));
      }
      return { credited: amount, balance: rows[0]!.balanceAfter, nextClaimAt: new Date(now.getTime() + claimMs) };
    },
  };
}

export type Claims = ReturnType<typeof createClaims>;

/** `GET|POST /api/tokens/claim`. */
export async function claimRoutes(
  app: FastifyInstance,
  { db, ledger, billing, clock }: { db: Db; ledger: Ledger; billing: BillingConfig; clock?: Clock },
) {
  const claims = createClaims(db, billing, ledger, clock);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const enabled = billing.enabled && billing.claim.enabled;

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
      const status = await claims.status(request.user!.id);
      return enabled ? status : { ...status, canClaim: false };
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
      if (!enabled) throw new AppError('BILLING_DISABLED', 'Claiming free tokens is turned off on this server');
      const result = await claims.claim(request.user!.id);
      return { ...result, nextClaimAt: result.nextClaimAt.toISOString() };
    },
  );
}
