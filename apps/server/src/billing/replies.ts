import { randomUUID } from 'node:crypto';
import type { Price } from '../config/schema.ts';
import { InsufficientCreditsError, type ChargeContext, type Ledger } from './ledger.ts';
import { countTokens } from '../providers/tokenizer.ts';
import { addUsage, costOf, worstCaseCost, type Usage } from './pricing.ts';

/** A balance that cannot pay for this many output tokens gets a 402 instead of a uselessly short reply. */
const MIN_REPLY_TOKENS = 256;

export interface HoldRequest {
  userId: string;
  /** The hold's id, also its ledger rows' key (the generation id). */
  reservationId: string;
  promptTokens: number;
  maxOutputTokens: number;
  price: Price;
  /** Credits the same hold also needs beside the reply (a new conversation's title). */
  besides?: number;
  /**
   * What to do when the balance cannot cover `maxOutputTokens`: `lower` holds a shorter reply it can pay
   * for (the web chat, which tells the user), `exact` refuses with a 402 naming what is required (/v1,
   * whose callers asked for a figure).
   */
  fit: 'lower' | 'exact';
  context: ChargeContext;
}

/** One charge against a hold: a model call's usage today; a tool call, embedding or image later. */
export interface Charge {
  usage: Usage;
  price: Price;
  description: string;
}

/**
 * A reply's credits from hold to settlement. Every charge of the reply goes through it and it is the
 * only way replies reach the ledger. `maxOutputTokens` is what the reply may write: the request's, or
 * less when the hold had to be lowered to fit the balance (`lowered`).
 */
export interface ReplyHold {
  maxOutputTokens: number;
  lowered: boolean;
  /** Records a charge; nothing is taken until `settle`. */
  charge(charge: Charge): void;
  /**
   * Takes what was charged (the reply's charges as one spend row, `also` on its own) and gives the rest
   * back. `charged` is null when nothing was held (billing off, or a free model).
   */
  settle(also?: Charge): Promise<{ charged: number | null; balance: number | null }>;
  /** Gives the whole hold back: nothing is owed. */
  release(): Promise<{ balance: number | null }>;
}

/** Holds, charges, settles and releases replies' credits through the ledger. */
export function createReplyBilling(ledger: Ledger, enabled: boolean) {
  /**
   * The output limit the balance can pay for, when it cannot pay for `maxOutputTokens`; a 402 when it
   * cannot pay for even a short reply, or (fit `exact`) for the one asked for.
   */
  async function fitted(request: HoldRequest): Promise<number> {
    const { promptTokens, maxOutputTokens, price } = request;
    const besides = request.besides ?? 0;
    const balance = await ledger.balance(request.userId);
    const available = balance - besides;
    const required = worstCaseCost(promptTokens, maxOutputTokens, price) + besides;
    if (request.fit === 'exact') throw new InsufficientCreditsError(balance, required);
    const promptCost = worstCaseCost(promptTokens, 0, price);
    const affordable = price.output > 0 ? Math.floor((available - promptCost) / price.output) : maxOutputTokens;
    const minimum = Math.min(MIN_REPLY_TOKENS, maxOutputTokens);
    if (affordable < minimum)
      throw new InsufficientCreditsError(balance, worstCaseCost(promptTokens, minimum, price) + besides);
    return Math.min(affordable, maxOutputTokens);
  }

  return {
    /**
     * A charge that comes after its reply was settled (a late title): held at nothing, then settled,
     * taking what the balance allows and recording the rest as uncollected.
     */
    async chargeAfter(userId: string, charge: Charge, context: ChargeContext): Promise<void> {
      if (!enabled) return;
      const reservationId = randomUUID();
      const described = { ...context, description: charge.description };
      await ledger.reserve({ userId, reservationId, amount: 0, ...described });
      await ledger.settle({
        reservationId,
        cost: costOf(charge.usage, charge.price),
        usage: charge.usage,
        rates: charge.price,
        ...described,
      });
    },

    /**
     * Holds the reply's worst case (prompt estimate + its output limit, and `besides`) in one
     * conditional statement. Only when the balance cannot cover it is the balance read.
     */
    async hold(request: HoldRequest): Promise<ReplyHold> {
      const besides = request.besides ?? 0;
      let maxOutputTokens = request.maxOutputTokens;
      const worst = (limit: number) => worstCaseCost(request.promptTokens, limit, request.price) + besides;
      let held = enabled && worst(maxOutputTokens) > 0;
      if (held) {
        const reserve = (limit: number) =>
          ledger.reserve({
            userId: request.userId,
            reservationId: request.reservationId,
            amount: worst(limit),
            ...request.context,
          });
        try {
          await reserve(maxOutputTokens);
        } catch (error) {
          if (!(error instanceof InsufficientCreditsError)) throw error;
          maxOutputTokens = await fitted(request);
          await reserve(maxOutputTokens);
        }
      }
      const charges: Charge[] = [];
      const { reservationId, context } = request;
      return {
        maxOutputTokens,
        lowered: maxOutputTokens < request.maxOutputTokens,
        charge(charge) {
          charges.push(charge);
        },
        async settle(also) {
          if (!held) return { charged: null, balance: null };
          held = false;
          if (charges.length === 0 && !also)
            return { charged: 0, balance: (await ledger.release(reservationId))?.balance ?? null };
          const usage = charges.map((c) => c.usage).reduce(addUsage, { inputTokens: 0, outputTokens: 0 });
          const settled = await ledger.settle({
            reservationId,
            cost: charges.reduce((total, c) => total + costOf(c.usage, c.price), 0),
            usage,
            ...(charges[0] ? { rates: charges[0].price } : {}),
            ...context,
            description: charges[0]?.description ?? context.description,
            ...(also
              ? { also: { cost: costOf(also.usage, also.price), usage: also.usage, description: also.description } }
              : {}),
          });
          return { charged: settled?.charged ?? 0, balance: settled?.balance ?? null };
        },
        async release() {
          if (!held) return { balance: null };
          held = false;
          return { balance: (await ledger.release(reservationId))?.balance ?? null };
        },
      };
    },
  };
}

export type ReplyBilling = ReturnType<typeof createReplyBilling>;

/** How a model call ended, as far as billing is concerned. */
export interface CallOutcome {
  /** Whether the provider accepted the request (answered it, or began a stream) before anything failed. */
  accepted: boolean;
  /** The usage the provider reported, if it got that far. */
  reported: Usage | null;
  /** The prompt's estimate, counted before the call. */
  promptTokens: number;
  /** The text (and reasoning) that arrived. */
  text: string;
}

/**
 * What a model call is billed for, the same on every path (web chat, titles, /v1, stopped, cut or
 * failed): the provider's usage when it reported one; else, once the provider accepted the request, the
 * prompt (it has been read and is paid for even when no token comes back) and the text that arrived;
 * null when the provider refused the request before accepting it: nothing is owed.
 */
export async function billedUsage({ accepted, reported, promptTokens, text }: CallOutcome): Promise<Usage | null> {
  if (reported) return reported;
  if (!accepted) return null;
  return { inputTokens: promptTokens, outputTokens: await countTokens(text) };
}
