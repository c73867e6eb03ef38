import type { Price } from '../config/schema.ts';
import { InsufficientCreditsError, type Ledger } from './ledger.ts';
import { countTokens } from '../providers/tokenizer.ts';
import { worstCaseCost, type Usage } from './pricing.ts';

/** A balance that cannot pay for this many output tokens gets a 402 instead of a uselessly short reply. */
const MIN_REPLY_TOKENS = 256;

/**
 * The credits to hold for a reply: its worst case, or, when the balance cannot cover that, a
 * shorter reply that it can (`params.maxOutputTokens` is lowered). Too little for even a short
 * reply is a 402 before any provider is called. `heldBesides`: credits the same hold also needs
 * (a new conversation's title), which the reply cannot use.
 */
export async function affordableHold(
  ledger: Ledger,
  userId: string,
  promptTokens: number,
  params: { maxOutputTokens: number },
  price: Price,
  heldBesides = 0,
): Promise<number> {
  const worst = worstCaseCost(promptTokens, params.maxOutputTokens, price);
  if (worst === 0) return 0;
  const balance = await ledger.balance(userId);
  const available = balance - heldBesides;
  if (available >= worst) return worst;
  const promptCost = worstCaseCost(promptTokens, 0, price);
  const affordable = price.output > 0 ? Math.floor((available - promptCost) / price.output) : params.maxOutputTokens;
  const minimum = Math.min(MIN_REPLY_TOKENS, params.maxOutputTokens);
  if (affordable < minimum)
    throw new InsufficientCreditsError(balance, worstCaseCost(promptTokens, minimum, price) + heldBesides);
  params.maxOutputTokens = affordable;
  return worstCaseCost(promptTokens, affordable, price);
}

/** How a reply's provider call ended, as far as billing is concerned. */
export interface ReplyOutcome {
  /** Whether the provider accepted the request (answered it, or began a stream) before anything failed. */
  accepted: boolean;
  /** The usage the provider reported, if it got that far. */
  reported: Usage | null;
  /** The prompt's estimate, counted before the call. */
  promptTokens: number;
  /** The text that arrived. */
  text: string;
}

/**
 * What a reply is billed for, the same on every path (web chat, /v1, stopped, cut or failed): the
 * provider's usage when it reported one; else, once the provider accepted the request, the prompt
 * (it has been read and is paid for even when no token comes back) and the text that arrived; null
 * when the provider refused the request before accepting it: nothing is owed.
 */
export async function billedUsage({ accepted, reported, promptTokens, text }: ReplyOutcome): Promise<Usage | null> {
  if (reported) return reported;
  if (!accepted) return null;
  return { inputTokens: promptTokens, outputTokens: await countTokens(text) };
}
