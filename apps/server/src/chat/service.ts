import type { FastifyBaseLogger } from 'fastify';
import { textOf, type ChatEvent, type ChatRequest, type Message } from '@tessera/shared';
import type { Config } from '../config/schema.ts';
import type { Ledger } from '../billing/ledger.ts';
import { addUsage } from '../billing/pricing.ts';
import type { ReplyBilling, ReplyHold } from '../billing/replies.ts';
import type { AuthUser } from '../auth/user.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { toConversation, toMessage, type ConversationStore } from './conversations.ts';
import { runReply, usageOf, type ReplyOutcome } from './pipeline.ts';
import { createPlanner, needsSpace, type ReplyPlan } from './plan.ts';
import { describeProviderError } from './provider-errors.ts';
import { createReplyStore, type FinalReply } from './reply-store.ts';
import { Run, RunRegistry } from './run.ts';
import { createSweeper } from './sweeper.ts';
import { createTitler, type Title } from './titles.ts';
import type { Db } from '../db/client.ts';

/**
 * How often a streaming reply's partial text is saved. On PostgreSQL other instances follow a reply
 * and stop it through the database, so it is saved often. PGlite's data dir belongs to one process
 * (it is locked), so nothing else reads it mid-reply: there the save only keeps text across a
 * crash, and an UPDATE per stream per tick cost a third of the relay's throughput (docs/benchmarks.md).
 */
const FLUSH_MS = { postgres: 750, pglite: 5_000 } as const;

export interface ChatServiceDeps {
  db: Db;
  /** Which database `db` is; it sets how often partial replies are saved (default: postgres). */
  databaseKind?: keyof typeof FLUSH_MS;
  store: ConversationStore;
  ledger: Ledger;
  billing: ReplyBilling;
  providers: ProviderRegistry;
  config: Config;
  log: FastifyBaseLogger;
}

/**
 * The web chat's replies: plan → hold → steps (the pipeline) → settle → save → events. Each stage is
 * a module of its own (plan.ts, billing/replies.ts, pipeline.ts, reply-store.ts, titles.ts); this
 * wires them together for one reply and keeps the replies running on this instance.
 */
export function createChatService({
  db,
  databaseKind,
  store,
  ledger,
  billing,
  providers,
  config,
  log,
}: ChatServiceDeps) {
  const runs = new RunRegistry();
  const flushMs = FLUSH_MS[databaseKind ?? 'postgres'];
  const planner = createPlanner({ store, providers, config });
  const replies = createReplyStore(db);
  const titles = createTitler({ billing, store: replies, config, log });
  const sweeper = createSweeper({ store: replies, ledger, providers, runs });

  async function hold(user: AuthUser, plan: ReplyPlan): Promise<ReplyHold> {
    const titleHold = await titles.holdFor(plan, plan.price);
    return billing.hold({
      userId: user.id,
      reservationId: plan.generationId,
      promptTokens: plan.promptTokens,
      maxOutputTokens: plan.params.maxOutputTokens,
      price: plan.price,
      besides: titleHold,
      fit: 'lower',
      context: {
        endpoint: plan.endpointId,
        model: plan.modelId,
        conversationId: plan.conversationId,
        messageId: plan.assistant.id,
        description: titleHold ? 'Reply and title (held until they finish)' : 'Reply (held until it finishes)',
      },
    });
  }

  /** Plans, holds credits and stores the messages; the caller subscribes, then launches. */
  async function start(user: AuthUser, request: ChatRequest) {
    const plan = await planner.plan(user, request);
    const credits = await hold(user, plan);
    let conversation;
    try {
      conversation = await replies.begin(plan, user.id);
    } catch (error) {
      await credits.release();
      throw error;
    }
    const run = new Run(plan.assistant.id, user.id, plan.conversationId);
    run.parts = structuredClone(plan.parts);
    runs.add(run);
    const startEvent: ChatEvent = {
      type: 'start',
      conversation: toConversation(conversation),
      userMessage: plan.userMessage ? toMessage(plan.userMessage) : null,
      assistantMessage: toMessage({ ...plan.assistant, parts: plan.parts, content: textOf(plan.parts) }),
    };
    return {
      run,
      startEvent,
      launch: () => {
        if (credits.lowered) {
          run.emit({
            type: 'notice',
            code: 'OUTPUT_LIMIT_LOWERED',
            maxOutputTokens: credits.maxOutputTokens,
            requested: plan.params.maxOutputTokens,
          });
        }
        void generate(plan, credits, run).catch((error: unknown) => log.error({ err: error }, 'generation failed'));
      },
    };
  }

  /**
   * Saves the partial reply regularly, so a reload elsewhere, or a crash, keeps it; a stop requested
   * through another instance (or the conversation deleted) is picked up on the same round trip.
   */
  function saveWhileRunning(plan: ReplyPlan, run: Run): () => void {
    let saved = run.changes;
    const timer = setInterval(() => {
      const check =
        run.changes === saved
          ? replies.stopRequested(plan.assistant.id)
          : replies.savePartial(plan.assistant.id, textOf(run.parts), run.parts).then((r) => r.stop);
      saved = run.changes;
      check
        .then((stop) => {
          if (stop) run.abort.abort('stopped');
        })
        .catch((error: unknown) => log.warn({ err: error }, 'could not save partial reply'));
    }, flushMs);
    return () => clearInterval(timer);
  }

  async function generate(plan: ReplyPlan, credits: ReplyHold, run: Run) {
    const started = performance.now();
    // A new conversation's title is asked for alongside the reply, from the question alone, once the
    // reply has begun (a provider refusing the reply would refuse the title too).
    let titling: Promise<Title | null> | null = null;
    const stopSaving = saveWhileRunning(plan, run);
    let outcome: ReplyOutcome;
    try {
      outcome = await runReply({
        call: {
          model: plan.model,
          price: plan.price,
          system: plan.system,
          messages: plan.history,
          temperature: plan.params.temperature,
          topP: plan.params.topP,
          maxOutputTokens: credits.maxOutputTokens,
          promptTokens: plan.promptTokens,
        },
        hold: credits,
        description: 'Reply',
        abort: run.abort,
        idleTimeoutSeconds: config.chat.idleTimeoutSeconds,
        parts: plan.parts,
        onDelta: (index, part, text) => run.emit({ type: 'delta', index, part, text }),
        firstText: plan.answersAnew ? (text) => (needsSpace(plan.prefix, text) ? ` ${text}` : text) : undefined,
        onFirstToken: () => {
          if (plan.wantsTitle) titling = titles.request(plan);
        },
      });
    } finally {
      stopSaving();
    }

    const stopped = outcome.failure === 'stopped';
    const error =
      outcome.failure && !stopped ? describeProviderError(outcome.failure, outcome.generated, plan.userKey) : null;
    if (error)
      log.warn({ err: outcome.failure, endpoint: plan.endpointId, model: plan.modelId }, 'provider call failed');
    const title = titling ? await titles.awaitBriefly(titling) : undefined;
    // A title slower than that is billed and written on its own when it comes.
    if (titling && title === undefined) void titles.finishLate(plan, run.userId, titling);

    let charged: number | null = null;
    let balance: number | null = null;
    try {
      ({ charged, balance } = await credits.settle(title?.charge ?? undefined));
    } catch (settleError) {
      log.error(
        { err: settleError, reservation: plan.generationId },
        'could not settle a reply; the sweeper will retry',
      );
    }

    const previous = plan.assistant;
    const usage = usageOf(outcome.steps) ?? { inputTokens: 0, outputTokens: 0 };
    const final: FinalReply = {
      content: textOf(outcome.parts),
      parts: outcome.parts,
      status: error ? 'error' : stopped ? 'stopped' : 'complete',
      error,
      usage: addUsage(previous.usage ?? { inputTokens: 0, outputTokens: 0 }, usage),
      cost: charged === null ? previous.cost : (previous.cost ?? 0) + charged,
      finishReason: error ? 'error' : stopped ? 'stopped' : outcome.finishReason,
      ttftMs: previous.ttftMs ?? outcome.ttftMs,
      durationMs: (previous.durationMs ?? 0) + Math.round(performance.now() - started),
    };
    let saved;
    try {
      saved = await replies.finish(plan, final, charged ?? 0, title?.text || null);
    } catch (saveError) {
      log.error(
        { err: saveError, message: plan.assistant.id },
        'could not save a finished reply; the sweeper will close it',
      );
    }

    // No row: the conversation was deleted while the reply ran (or the save failed); listeners still get its end.
    const message: Message = toMessage(saved ?? { ...plan.assistant, ...final, updatedAt: new Date() });
    run.finished = true;
    run.emit(error ? { type: 'error', message, error } : { type: 'done', message, balance });
    if (title?.text && saved?.titled)
      run.emit({ type: 'title', conversationId: plan.conversationId, title: title.text });
    run.close();
    runs.remove(run);
  }

  return {
    runs,
    start,

    /** Asks the generation writing `messageId` to stop, here or on another instance. */
    async stop(user: AuthUser, messageId: string): Promise<Message> {
      const { message } = await store.ownedMessage(user.id, messageId);
      const run = runs.get(messageId);
      if (run) {
        const done = new Promise<void>((resolve) => run.subscribe(() => {}, resolve));
        run.abort.abort('stopped');
        await done;
      } else if (message.status === 'streaming') {
        await replies.requestStop(messageId);
        return toMessage({ ...message, stopRequested: true });
      }
      const { message: latest } = await store.ownedMessage(user.id, messageId);
      return toMessage(latest);
    },

    /** Finishes replies and holds a dead process left behind (see sweeper.ts). */
    sweepOrphans: () => sweeper.sweep(),

    /** Stops the replies of a conversation being deleted (on this instance; others notice at their next save). */
    stopConversation(userId: string, conversationId: string): void {
      for (const run of runs.all()) {
        if (run.userId === userId && run.conversationId === conversationId) run.abort.abort('stopped');
      }
    },

    /** Stops every generation on this instance (shutdown): each saves its text and is billed. */
    async stopAll(): Promise<void> {
      await Promise.all(
        runs.all().map(
          (run) =>
            new Promise<void>((resolve) => {
              run.subscribe(() => {}, resolve);
              run.abort.abort('stopped');
            }),
        ),
      );
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
