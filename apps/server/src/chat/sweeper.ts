import type { Ledger } from '../billing/ledger.ts';
import { costOf } from '../billing/pricing.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { countTokens } from '../providers/tokenizer.ts';
import type { ReplyStore } from './reply-store.ts';
import type { RunRegistry } from './run.ts';

/** A streaming message not written for this long belongs to a process that died. */
export const ORPHAN_AFTER_MS = 120_000;
/** A hold with no message (an OpenAI-compatible API call, a late title) older than this belongs to a process that died. */
const ABANDONED_HOLD_MS = 3_600_000;

export interface SweeperDeps {
  store: ReplyStore;
  ledger: Ledger;
  providers: ProviderRegistry;
  /** The replies running on this instance, which are not orphans however long they take. */
  runs: RunRegistry;
  clock?: () => Date;
}

/**
 * Finishes what a dead process left behind: replies still marked streaming (their saved text is kept,
 * marked interrupted, and billed), and credit holds nobody will settle.
 */
export function createSweeper({ store, ledger, providers, runs, clock = () => new Date() }: SweeperDeps) {
  async function closeOrphanReplies(): Promise<number> {
    const orphans = await store.staleReplies(new Date(clock().getTime() - ORPHAN_AFTER_MS));
    for (const orphan of orphans) {
      if (runs.get(orphan.id)) continue;
      const closed = await store.closeStale(orphan.id, {
        code: 'INTERRUPTED',
        message: 'The server stopped while writing this reply; what was saved is kept.',
      });
      if (!closed || !orphan.generationId || !orphan.endpoint || !orphan.model) continue;
      const price = providers.priceOf(orphan.endpoint, orphan.model);
      const usage = { inputTokens: 0, outputTokens: await countTokens(orphan.content) };
      const settled = await ledger.settle({
        reservationId: orphan.generationId,
        cost: price ? costOf(usage, price) : 0,
        usage,
        ...(price ? { rates: price } : {}),
        endpoint: orphan.endpoint,
        model: orphan.model,
        conversationId: orphan.conversationId,
        messageId: orphan.id,
        description: 'Interrupted reply',
      });
      if (settled) await store.addCost(orphan, settled.charged);
    }
    return orphans.length;
  }

  /**
   * Holds left behind: a finished reply whose settlement failed (its cost is not known for sure any
   * more: the hold goes back to the user), or a call without a message (/v1, a title) whose process
   * died. The latter may also be a long /v1 stream still running, so only after an hour.
   */
  async function releaseAbandonedHolds(): Promise<void> {
    const ownerless = new Set(await ledger.staleReservations(ABANDONED_HOLD_MS));
    for (const id of await ledger.staleReservations(ORPHAN_AFTER_MS * 2)) {
      const status = await store.statusOfGeneration(id);
      if (status ? status !== 'streaming' : ownerless.has(id)) await ledger.release(id);
    }
  }

  return {
    /** One round of housekeeping; returns how many orphaned replies it found. */
    async sweep(): Promise<number> {
      const found = await closeOrphanReplies();
      await releaseAbandonedHolds();
      return found;
    },
  };
}

export type Sweeper = ReturnType<typeof createSweeper>;
