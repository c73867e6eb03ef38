import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { generateText, type LanguageModelUsage, type ModelMessage } from 'ai';
import { and, eq, getTableColumns, lt, sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import {
  textParts,
  type ChatEvent,
  type ChatRequest,
  type Message,
  type MessageUsage,
  type ModelParams,
} from '@tessera/shared';
import type { Config, Price } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { conversations, DEFAULT_TITLE, messages } from '../db/schema.ts';
import { InsufficientCreditsError, type Ledger } from '../billing/ledger.ts';
import { affordableHold, billedUsage } from '../billing/replies.ts';
import { costOf, worstCaseCost, type Usage } from '../billing/pricing.ts';
import { AppError } from '../http/errors.ts';
import type { AuthUser } from '../auth/user.ts';
import type { ProviderRegistry, Resolved } from '../providers/registry.ts';
import { DEMO_ENDPOINT_ID } from '../providers/demo.ts';
import { countTokens, estimatePromptTokens } from '../providers/tokenizer.ts';
import { readReply } from '../providers/stream.ts';
import { isUserProvided } from '../providers/user-keys.ts';
import { toConversation, toMessage, type ConversationStore } from './conversations.ts';
import { describeProviderError, IdleTimeoutError, type ReadableError } from './provider-errors.ts';
import { Run, RunRegistry } from './run.ts';

/**
 * How often a streaming reply's partial text is saved. On PostgreSQL other instances follow a reply
 * and stop it through the database, so it is saved often. PGlite's data dir belongs to one process
 * (it is locked), so nothing else reads it mid-reply: there the save only keeps text across a
 * crash, and an UPDATE per stream per tick cost a third of the relay's throughput (docs/benchmarks.md).
 */
const FLUSH_MS = { postgres: 750, pglite: 5_000 } as const;
/** A streaming message not written for this long belongs to a process that died. */
const ORPHAN_AFTER_MS = 120_000;
/** A hold with no message (an OpenAI-compatible API call) older than this belongs to a process that died. */
const ABANDONED_HOLD_MS = 3_600_000;
const TITLE_MAX_TOKENS = 24;
/** How long a reply's end waits for its title (asked for at the same time, usually long done). */
const TITLE_GRACE_MS = 3_000;

interface Title {
  text: string;
  /** What the provider reported (null: the demo, which costs nothing). */
  usage: Usage | null;
}

const CONTINUE_INSTRUCTION =
  'Continue your previous reply exactly where it stopped. Do not repeat anything you already wrote and add no preamble.';

/**
 * Whether a continuation written as a new reply needs a space to follow the text before it: a new
 * reply starts without one, so "…is" + "Paris" would read "isParis". Only between Latin words,
 * digits and sentence punctuation; Chinese and Japanese text runs on without spaces. (A word cut in
 * two would get one too, but a reply is cut at a token boundary, which mostly falls between words.)
 */
export function needsSpace(before: string, next: string): boolean {
  return /[\p{Script=Latin}\d.,;:!?)"'’”]$/u.test(before) && /^[\p{Script=Latin}\d("'‘“]/u.test(next);
}

function titlePrompt(question: string): string {
  return `Write a title of at most six words for a conversation that starts with the message below. Reply with the title only, no quotes.\n\n${question.slice(0, 2000)}`;
}

type MessageRow = typeof messages.$inferSelect;

/** What a chat request asks for, once its conversation, history and model are known. */
interface PlanInput {
  conversationId: string;
  isNewConversation: boolean;
  userMessage: MessageRow | null;
  assistant: MessageRow;
  /** Text already in the assistant message (continue). */
  prefix: string;
  /** A continuation the provider writes as a new reply (no prefill): it may need a space after the prefix. */
  answersAnew?: boolean;
  history: ModelMessage[];
  system: string | undefined;
  params: ModelParams;
  resolved: Resolved;
  generationId: string;
  wantsTitle: boolean;
  /** The first question, for the title. */
  question: string;
  temporary: boolean;
}

/** A generation ready to start: the input plus its model, price, output limit and prompt size. */
type Plan = Omit<PlanInput, 'params' | 'resolved'> & {
  params: ModelParams & { maxOutputTokens: number };
  endpointId: string;
  modelId: string;
  price: Price;
  model: LanguageModelV3;
  promptTokens: number;
  reserved: boolean;
  /** Called with the user's own key (a user_provided endpoint). */
  userKey: boolean;
  /** The title's worst case, held together with the reply's (0: no title, or not billed). */
  titleHold: number;
};

const emptyUsage = (): MessageUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

function fromSdkUsage(usage: LanguageModelUsage | undefined): Usage | null {
  if (!usage || usage.inputTokens === undefined || usage.outputTokens === undefined) return null;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.inputTokenDetails?.cacheWriteTokens ?? 0,
    reasoningTokens: usage.outputTokenDetails?.reasoningTokens ?? 0,
  };
}

function toModelMessages(rows: MessageRow[]): ModelMessage[] {
  return rows
    .filter((m) => m.content !== '')
    .map((m) => (m.role === 'user' ? { role: 'user', content: m.content } : { role: 'assistant', content: m.content }));
}

export interface ChatServiceDeps {
  db: Db;
  /** Which database `db` is; it sets how often partial replies are saved (default: postgres). */
  databaseKind?: keyof typeof FLUSH_MS;
  store: ConversationStore;
  ledger: Ledger;
  providers: ProviderRegistry;
  config: Config;
  log: FastifyBaseLogger;
}

/** Starts, streams, stops and settles generations; every path is billed. */
export function createChatService({ db, databaseKind, store, ledger, providers, config, log }: ChatServiceDeps) {
  const runs = new RunRegistry();
  const flushMs = FLUSH_MS[databaseKind ?? 'postgres'];
  const billing = config.billing.enabled;

  async function plan(user: AuthUser, request: ChatRequest): Promise<Plan> {
    const generationId = randomUUID();
    if (request.action === 'send') {
      const existing = request.conversationId ? await store.owned(user.id, request.conversationId) : null;
      if (!existing && request.parentId) {
        throw new AppError('VALIDATION_ERROR', 'parentId needs a conversationId', {
          fields: [{ field: 'conversationId', message: 'Required when parentId is set' }],
        });
      }
      const history = existing && request.parentId ? await store.path(existing.id, request.parentId) : [];
      if (request.parentId && history.length === 0)
        throw new AppError('NOT_FOUND', 'No such parent message in this conversation');
      const resolved = await providers.resolve(request.endpoint, request.model, user.id);
      const system = request.systemPrompt ?? existing?.systemPrompt ?? undefined;
      const params = { ...resolved.defaults, ...((existing?.params ?? {}) as ModelParams), ...request.params };
      const conversationId = existing?.id ?? randomUUID();
      const now = new Date();
      const userMessage: MessageRow = blankMessage(conversationId, request.parentId, 'user', now);
      userMessage.content = request.content;
      const assistant = blankMessage(conversationId, userMessage.id, 'assistant', new Date(now.getTime() + 1));
      return finishPlan({
        conversationId,
        isNewConversation: !existing,
        userMessage,
        assistant,
        prefix: '',
        history: [...toModelMessages(history), { role: 'user', content: request.content }],
        system,
        params,
        resolved,
        generationId,
        // A conversation whose title never came (a failed first reply, a failed title) is named on a later send.
        wantsTitle: !existing || (!existing.titleSet && existing.title === DEFAULT_TITLE),
        question: request.content,
        temporary: request.temporary ?? false,
      });
    }

    const { message, conversation } = await store.ownedMessage(user.id, request.messageId);
    if (message.role !== 'assistant')
      throw new AppError('VALIDATION_ERROR', 'Only an assistant message can be regenerated or continued');
    if (message.status === 'streaming') throw new AppError('CONFLICT', 'This reply is still being generated');
    const endpointId = request.action === 'regenerate' ? request.endpoint : (message.endpoint ?? conversation.endpoint);
    const modelId = request.action === 'regenerate' ? request.model : (message.model ?? conversation.model);
    if (!endpointId || !modelId) throw new AppError('VALIDATION_ERROR', 'This message has no model to continue with');
    const resolved = await providers.resolve(endpointId, modelId, user.id);
    const params = {
      ...resolved.defaults,
      ...(conversation.params as ModelParams),
      ...(request.action === 'regenerate' ? request.params : {}),
    };
    if (request.action === 'regenerate') {
      const history = message.parentId ? await store.path(conversation.id, message.parentId) : [];
      const assistant = blankMessage(conversation.id, message.parentId, 'assistant', new Date());
      return finishPlan({
        conversationId: conversation.id,
        isNewConversation: false,
        userMessage: null,
        assistant,
        prefix: '',
        history: toModelMessages(history),
        system: conversation.systemPrompt ?? undefined,
        params,
        resolved,
        generationId,
        wantsTitle: false,
        question: history.at(-1)?.content ?? '',
        temporary: conversation.temporary,
      });
    }
    const history = toModelMessages(await store.path(conversation.id, message.id));
    // Anthropic continues a trailing assistant message itself (a prefill, which must not end in
    // whitespace); other APIs answer it with a new reply, so they are asked to go on instead.
    const prefill = resolved.endpoint?.kind === 'anthropic';
    const prefix = prefill ? message.content.trimEnd() : message.content;
    if (prefix && prefill) history[history.length - 1] = { role: 'assistant', content: prefix };
    else if (prefix) history.push({ role: 'user', content: CONTINUE_INSTRUCTION });
    return finishPlan({
      conversationId: conversation.id,
      isNewConversation: false,
      userMessage: null,
      assistant: { ...message, status: 'streaming', error: null },
      prefix,
      answersAnew: prefix !== '' && !prefill,
      history,
      system: conversation.systemPrompt ?? undefined,
      params,
      resolved,
      generationId,
      wantsTitle: false,
      question: '',
      temporary: conversation.temporary,
    });
  }

  function blankMessage(
    conversationId: string,
    parentId: string | null,
    role: 'user' | 'assistant',
    createdAt: Date,
  ): MessageRow {
    return {
      id: randomUUID(),
      conversationId,
      parentId,
      role,
      content: '',
      parts: [],
      status: role === 'assistant' ? 'streaming' : 'complete',
      error: null,
      endpoint: null,
      model: null,
      usage: null,
      cost: null,
      finishReason: null,
      ttftMs: null,
      durationMs: null,
      generationId: null,
      stopRequested: false,
      createdAt,
      updatedAt: createdAt,
    };
  }

  async function finishPlan({ resolved, ...input }: PlanInput): Promise<Plan> {
    const texts = [input.system ?? '', ...input.history.map((m) => (typeof m.content === 'string' ? m.content : ''))];
    input.assistant.endpoint = resolved.endpointId;
    input.assistant.model = resolved.modelId;
    input.assistant.generationId = input.generationId;
    const wantsTitle = input.wantsTitle && config.chat.titles;
    const titleHold =
      wantsTitle && billing && resolved.endpointId !== DEMO_ENDPOINT_ID
        ? worstCaseCost(await estimatePromptTokens([titlePrompt(input.question)]), TITLE_MAX_TOKENS, resolved.price)
        : 0;
    return {
      ...input,
      // A blank system prompt is none: no empty system message goes to the provider.
      system: input.system?.trim() ? input.system : undefined,
      params: { ...input.params, maxOutputTokens: input.params.maxOutputTokens ?? config.chat.maxOutputTokens },
      endpointId: resolved.endpointId,
      modelId: resolved.modelId,
      price: resolved.price,
      model: resolved.model,
      promptTokens: await estimatePromptTokens(texts),
      reserved: false,
      userKey: isUserProvided(resolved.endpoint),
      wantsTitle,
      titleHold,
    };
  }

  /**
   * Holds the reply's worst case (and its title's, for a new conversation) in one conditional
   * statement. Only when the balance cannot cover it is the balance read, to hold a shorter reply
   * that it can pay for (or refuse with a 402).
   */
  async function reserveReply(user: AuthUser, p: Plan): Promise<void> {
    const worst = worstCaseCost(p.promptTokens, p.params.maxOutputTokens, p.price) + p.titleHold;
    if (!billing || worst === 0) return;
    const reserve = (amount: number) =>
      ledger.reserve({
        userId: user.id,
        reservationId: p.generationId,
        amount,
        endpoint: p.endpointId,
        model: p.modelId,
        conversationId: p.conversationId,
        messageId: p.assistant.id,
        description: p.titleHold ? 'Reply and title (held until they finish)' : 'Reply (held until it finishes)',
      });
    try {
      await reserve(worst);
    } catch (error) {
      if (!(error instanceof InsufficientCreditsError)) throw error;
      await reserve(
        p.titleHold + (await affordableHold(ledger, user.id, p.promptTokens, p.params, p.price, p.titleHold)),
      );
    }
    p.reserved = true;
  }

  /** Validates, reserves credits and stores the messages; the caller subscribes, then launches. */
  async function start(user: AuthUser, request: ChatRequest) {
    const p = await plan(user, request);
    await reserveReply(user, p);
    const insertsAssistant = p.prefix === '' && request.action !== 'continue';
    // The messages and the conversation are written by one statement (atomic without a transaction's
    // extra round trips), which returns the conversation row: no read after the writes.
    const inserted = [...(p.userMessage ? [p.userMessage] : []), ...(insertsAssistant ? [p.assistant] : [])];
    const written = db.$with('written', {}).as(
      (insertsAssistant
        ? db.insert(messages).values(inserted)
        : db
            .update(messages)
            .set({
              status: 'streaming',
              error: null,
              generationId: p.generationId,
              stopRequested: false,
              updatedAt: sql`now()`,
            })
            .where(eq(messages.id, p.assistant.id))
      ).getSQL(),
    );
    let conversation: typeof conversations.$inferSelect | undefined;
    try {
      [conversation] = p.isNewConversation
        ? await db
            .with(written)
            .insert(conversations)
            .values({
              id: p.conversationId,
              userId: user.id,
              endpoint: p.endpointId,
              model: p.modelId,
              systemPrompt: request.action === 'send' && request.systemPrompt?.trim() ? request.systemPrompt : null,
              params: request.action !== 'continue' ? (request.params ?? {}) : {},
              temporary: p.temporary,
              currentLeafId: p.assistant.id,
            })
            .returning()
        : await db
            .with(written)
            .update(conversations)
            .set({ currentLeafId: p.assistant.id, endpoint: p.endpointId, model: p.modelId, updatedAt: sql`now()` })
            .where(eq(conversations.id, p.conversationId))
            .returning();
    } catch (error) {
      if (p.reserved) await ledger.release(p.generationId);
      throw error;
    }

    const run = new Run(p.assistant.id, user.id, p.conversationId);
    run.parts = textParts(p.prefix);
    runs.add(run);
    const startEvent: ChatEvent = {
      type: 'start',
      conversation: toConversation(conversation!),
      userMessage: p.userMessage ? toMessage(p.userMessage) : null,
      assistantMessage: toMessage({ ...p.assistant, content: p.prefix }),
    };
    return {
      run,
      startEvent,
      launch: () => {
        void generate(p, run).catch((error: unknown) => log.error({ err: error }, 'generation failed'));
      },
    };
  }

  async function generate(p: Plan, run: Run) {
    const started = performance.now();
    let ttftMs: number | null = null;
    let newText = '';
    let finishReason: string | null = null;
    let measured: Usage | null = null;
    let failure: unknown = null;
    let accepted = true;
    let flushed = p.prefix;
    // A new conversation's title is asked for alongside the reply, from the question alone, once the
    // reply has begun (a provider refusing the reply would refuse the title too).
    let titling: Promise<Title | null> | null = null;

    // One timer per reply, pushed back by every part (refresh() re-arms it without a new timer).
    const idle = setTimeout(
      () => run.abort.abort(new IdleTimeoutError(config.chat.idleTimeoutSeconds)),
      config.chat.idleTimeoutSeconds * 1000,
    );
    // Partial text is written regularly so a reload elsewhere, or a crash, keeps it; a stop
    // requested through another instance (or the conversation deleted) is picked up on the same round trip.
    const stopIfAsked = (row: { stop: boolean } | undefined) => {
      if (!row || row.stop) run.abort.abort('stopped');
    };
    const flush = setInterval(() => {
      const content = p.prefix + newText;
      if (content === flushed && !run.abort.signal.aborted) {
        void db
          .select({ stop: messages.stopRequested })
          .from(messages)
          .where(eq(messages.id, p.assistant.id))
          .then(([row]) => stopIfAsked(row))
          .catch(() => {});
        return;
      }
      flushed = content;
      void db
        .update(messages)
        .set({ content, updatedAt: sql`now()` })
        .where(eq(messages.id, p.assistant.id))
        .returning({ stop: messages.stopRequested })
        .then(([row]) => stopIfAsked(row))
        .catch((error: unknown) => log.warn({ err: error }, 'could not save partial reply'));
    }, flushMs);

    try {
      const options = {
        system: p.system,
        messages: p.history,
        temperature: p.params.temperature,
        topP: p.params.topP,
        maxOutputTokens: p.params.maxOutputTokens,
        abortSignal: run.abort.signal,
      };
      await readReply(p.model, options, (part) => {
        idle.refresh();
        if (part.type === 'text') {
          let text = part.text;
          if (ttftMs === null) {
            ttftMs = Math.round(performance.now() - started);
            if (p.wantsTitle) titling = requestTitle(p);
            if (p.answersAnew && needsSpace(p.prefix, text)) text = ` ${text}`;
          }
          newText += text;
          run.emit({ type: 'delta', index: 0, part: 'text', text });
        } else if (part.type === 'finish') {
          finishReason = part.finishReason;
          measured = part.usage;
        } else {
          failure = run.abort.signal.aborted ? (run.abort.signal.reason ?? 'stopped') : part.error;
          accepted = part.accepted;
        }
      });
      if (!failure && run.abort.signal.aborted) failure = run.abort.signal.reason ?? 'stopped';
    } finally {
      clearTimeout(idle);
      clearInterval(flush);
    }

    const stopped = failure === 'stopped';
    const error: ReadableError | null =
      failure && !stopped ? describeProviderError(failure, newText !== '', p.userKey) : null;
    if (error) log.warn({ err: failure, endpoint: p.endpointId, model: p.modelId }, 'provider call failed');
    const title = titling ? await awaitTitle(titling) : undefined;
    // A title slower than that is billed and written on its own when it comes.
    if (titling && title === undefined) void finishLateTitle(p, run.userId, titling);
    const billed = await billedUsage({ accepted, reported: measured, promptTokens: p.promptTokens, text: newText });
    const usage: Usage = billed ?? { inputTokens: 0, outputTokens: 0 };
    const cost = costOf(usage, p.price);
    let charged: number | null = null;
    let balance: number | null = null;
    try {
      if (p.reserved) {
        if (!billed) {
          balance = (await ledger.release(p.generationId))?.balance ?? null;
          charged = 0;
        } else {
          const settled = await ledger.settle({
            reservationId: p.generationId,
            cost,
            usage,
            rates: p.price,
            endpoint: p.endpointId,
            model: p.modelId,
            conversationId: p.conversationId,
            messageId: p.assistant.id,
            description: 'Reply',
            ...(title?.usage
              ? {
                  also: {
                    cost: costOf(title.usage, p.price),
                    usage: title.usage,
                    description: 'Conversation title',
                  },
                }
              : {}),
          });
          charged = settled?.charged ?? 0;
          balance = settled?.balance ?? null;
        }
      }
    } catch (settleError) {
      log.error({ err: settleError, reservation: p.generationId }, 'could not settle a reply; the sweeper will retry');
    }

    const previous = (p.assistant.usage as MessageUsage | null) ?? emptyUsage();
    const status = error ? 'error' : stopped ? 'stopped' : 'complete';
    const final = {
      content: p.prefix + newText,
      parts: textParts(p.prefix + newText),
      status,
      error,
      usage: {
        inputTokens: previous.inputTokens + usage.inputTokens,
        outputTokens: previous.outputTokens + usage.outputTokens,
        cacheReadTokens: previous.cacheReadTokens + (usage.cacheReadTokens ?? 0),
        cacheWriteTokens: previous.cacheWriteTokens + (usage.cacheWriteTokens ?? 0),
        reasoningTokens: previous.reasoningTokens + (usage.reasoningTokens ?? 0),
      } satisfies MessageUsage,
      cost: charged === null ? null : (p.assistant.cost ?? 0) + charged,
      finishReason: error ? 'error' : stopped ? 'stopped' : finishReason,
      ttftMs: p.assistant.ttftMs ?? ttftMs,
      durationMs: (p.assistant.durationMs ?? 0) + Math.round(performance.now() - started),
    };
    // The reply, its conversation's total and the new title in one statement (a data-modifying
    // WITH). A title the user has set meanwhile is kept.
    const total = db.$with('total', {}).as(
      db
        .update(conversations)
        .set({
          totalCost: sql`${conversations.totalCost} + ${charged ?? 0}`,
          updatedAt: sql`now()`,
          ...(title?.text
            ? { title: sql`case when ${conversations.titleSet} then ${conversations.title} else ${title.text} end` }
            : {}),
        })
        .where(eq(conversations.id, p.conversationId))
        .returning({ titled: sql<boolean>`not ${conversations.titleSet}`.as('titled') })
        .getSQL(),
    );
    let saved: (MessageRow & { titled: boolean | null }) | undefined;
    try {
      [saved] = await db
        .with(total)
        .update(messages)
        .set({ ...final, updatedAt: sql`now()` })
        .where(eq(messages.id, p.assistant.id))
        .returning({
          ...getTableColumns(messages),
          titled: sql<boolean | null>`(select titled from ${total})`,
        });
    } catch (saveError) {
      log.error(
        { err: saveError, message: p.assistant.id },
        'could not save a finished reply; the sweeper will close it',
      );
    }

    // No row: the conversation was deleted while the reply ran (or the save failed); listeners still get its end.
    const message: Message = toMessage(saved ?? { ...p.assistant, ...final, updatedAt: new Date() });
    run.finished = true;
    run.emit(error ? { type: 'error', message, error } : { type: 'done', message, balance });
    if (title?.text && saved?.titled) run.emit({ type: 'title', conversationId: p.conversationId, title: title.text });
    run.close();
    runs.remove(run);
  }

  /**
   * Waits for the title after the reply has ended, for a short while, so it is settled and saved with
   * the reply; undefined when it is slower than that (null: it failed).
   */
  async function awaitTitle(titling: Promise<Title | null>): Promise<Title | null | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), TITLE_GRACE_MS);
    });
    try {
      return await Promise.race([titling, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A title that came after its reply had been settled: charged on its own (a hold of nothing, then a
   * settlement that takes what the balance allows and records the rest) and written unless the user
   * has named the conversation meanwhile.
   */
  async function finishLateTitle(p: Plan, userId: string, titling: Promise<Title | null>): Promise<void> {
    const title = await titling;
    if (!title) return;
    try {
      if (billing && title.usage && p.titleHold > 0) {
        const reservationId = randomUUID();
        const context = { endpoint: p.endpointId, model: p.modelId, conversationId: p.conversationId };
        await ledger.reserve({ userId, reservationId, amount: 0, ...context, description: 'Conversation title' });
        await ledger.settle({
          reservationId,
          cost: costOf(title.usage, p.price),
          usage: title.usage,
          rates: p.price,
          ...context,
          description: 'Conversation title',
        });
      }
      if (title.text) {
        await db
          .update(conversations)
          .set({ title: title.text, updatedAt: sql`now()` })
          .where(and(eq(conversations.id, p.conversationId), eq(conversations.titleSet, false)));
      }
    } catch (error) {
      log.warn({ err: error }, 'could not save a late title');
    }
  }

  /** A short title from the first question, written by the conversation's model; null when it fails. */
  async function requestTitle(p: Plan): Promise<Title | null> {
    let text: string;
    let usage: Usage | null = null;
    if (p.endpointId === DEMO_ENDPOINT_ID) {
      text = p.question.split(/\s+/).slice(0, 6).join(' ');
    } else {
      const prompt = titlePrompt(p.question);
      try {
        const result = await generateText({
          model: p.model,
          prompt,
          maxOutputTokens: TITLE_MAX_TOKENS,
          maxRetries: 1,
        });
        text = result.text;
        usage = fromSdkUsage(result.usage) ?? {
          inputTokens: await countTokens(prompt),
          outputTokens: await countTokens(text),
        };
      } catch (error) {
        log.warn({ err: error }, 'could not write a title');
        return null;
      }
    }
    text = text.split('\n').find((line) => line.trim() !== '') ?? '';
    text = text.replace(/^["'“”\s#*]+|["'“”\s.*]+$/g, '').slice(0, 100);
    // An empty title is billed like any answer the provider was paid for, but not written.
    return { text, usage };
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
        await db.update(messages).set({ stopRequested: true }).where(eq(messages.id, messageId));
        return toMessage({ ...message, stopRequested: true });
      }
      const { message: latest } = await store.ownedMessage(user.id, messageId);
      return toMessage(latest);
    },

    /**
     * Finishes replies whose process died mid-generation: keeps their saved text, marks them
     * interrupted, and bills what was generated. Also returns holds that never got a message.
     */
    async sweepOrphans(): Promise<number> {
      const cutoff = new Date(Date.now() - ORPHAN_AFTER_MS);
      const orphans = await db
        .select()
        .from(messages)
        .where(and(eq(messages.status, 'streaming'), lt(messages.updatedAt, cutoff)));
      for (const orphan of orphans) {
        if (runs.get(orphan.id)) continue;
        const error = {
          code: 'INTERRUPTED',
          message: 'The server stopped while writing this reply; what was saved is kept.',
        };
        const [claimed] = await db
          .update(messages)
          .set({ status: 'error', error, finishReason: 'error', updatedAt: sql`now()` })
          .where(and(eq(messages.id, orphan.id), eq(messages.status, 'streaming')))
          .returning();
        if (!claimed || !orphan.generationId || !orphan.endpoint || !orphan.model) continue;
        const price = providers.priceOf(orphan.endpoint, orphan.model);
        const usage = { inputTokens: 0, outputTokens: await countTokens(orphan.content) };
        const cost = price ? costOf(usage, price) : 0;
        const settled = await ledger.settle({
          reservationId: orphan.generationId,
          cost,
          usage,
          ...(price ? { rates: price } : {}),
          endpoint: orphan.endpoint,
          model: orphan.model,
          conversationId: orphan.conversationId,
          messageId: orphan.id,
          description: 'Interrupted reply',
        });
        if (settled) {
          await db.update(messages).set({ cost: settled.charged }).where(eq(messages.id, orphan.id));
          await db
            .update(conversations)
            .set({ totalCost: sql`${conversations.totalCost} + ${settled.charged}` })
            .where(eq(conversations.id, orphan.conversationId));
        }
      }
      // Holds left behind: a finished reply whose settlement failed (its cost is not known for sure
      // any more: the hold goes back to the user), or a call without a message (/v1, a title) whose
      // process died. The latter may also be a long /v1 stream still running, so only after an hour.
      const ownerless = new Set(await ledger.staleReservations(ABANDONED_HOLD_MS));
      for (const id of await ledger.staleReservations(ORPHAN_AFTER_MS * 2)) {
        const [owner] = await db
          .select({ status: messages.status })
          .from(messages)
          .where(eq(messages.generationId, id));
        if (owner ? owner.status !== 'streaming' : ownerless.has(id)) await ledger.release(id);
      }
      return orphans.length;
    },

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
