import { and, eq, getTableColumns, lt, sql } from 'drizzle-orm';
import type { MessagePart, MessageUsage, ReplyError } from '@tessera/shared';
import type { Db } from '../db/client.ts';
import { conversations, messages } from '../db/schema.ts';
import type { MessageRow, ReplyPlan } from './plan.ts';

type ConversationRow = typeof conversations.$inferSelect;

/** A finished reply's row, as `finish` writes it. */
export interface FinalReply {
  content: string;
  parts: MessagePart[];
  status: 'complete' | 'stopped' | 'error';
  error: ReplyError | null;
  usage: MessageUsage;
  cost: number | null;
  finishReason: string | null;
  ttftMs: number | null;
  durationMs: number;
}

/** The writes of a reply's life, from its first row to its last (the messages and conversations tables). */
export function createReplyStore(db: Db) {
  return {
    /**
     * Writes the request's messages and creates or touches the conversation in one statement (a
     * data-modifying WITH: atomic without a transaction's extra round trips), returning the conversation.
     */
    async begin(plan: ReplyPlan, userId: string): Promise<ConversationRow> {
      const inserted = [
        ...(plan.userMessage ? [plan.userMessage] : []),
        ...(plan.insertsAssistant ? [plan.assistant] : []),
      ];
      const written = db.$with('written', {}).as(
        (plan.insertsAssistant
          ? db.insert(messages).values(inserted)
          : db
              .update(messages)
              .set({
                status: 'streaming',
                error: null,
                generationId: plan.generationId,
                stopRequested: false,
                updatedAt: sql`now()`,
              })
              .where(eq(messages.id, plan.assistant.id))
        ).getSQL(),
      );
      const [conversation] = plan.newConversation
        ? await db
            .with(written)
            .insert(conversations)
            .values({
              id: plan.conversationId,
              userId,
              endpoint: plan.endpointId,
              model: plan.modelId,
              ...plan.newConversation,
              currentLeafId: plan.assistant.id,
            })
            .returning()
        : await db
            .with(written)
            .update(conversations)
            .set({
              currentLeafId: plan.assistant.id,
              endpoint: plan.endpointId,
              model: plan.modelId,
              updatedAt: sql`now()`,
            })
            .where(eq(conversations.id, plan.conversationId))
            .returning();
      return conversation!;
    },

    /** Saves a streaming reply's text so far; says whether a stop was asked for (or the reply is gone). */
    async savePartial(id: string, content: string, parts: MessagePart[]): Promise<{ stop: boolean }> {
      const [row] = await db
        .update(messages)
        .set({ content, parts, updatedAt: sql`now()` })
        .where(eq(messages.id, id))
        .returning({ stop: messages.stopRequested });
      return { stop: row?.stop ?? true };
    },

    /** Whether a stop was asked for through another instance (or the reply is gone). */
    async stopRequested(id: string): Promise<boolean> {
      const [row] = await db.select({ stop: messages.stopRequested }).from(messages).where(eq(messages.id, id));
      return row?.stop ?? true;
    },

    async requestStop(id: string): Promise<void> {
      await db.update(messages).set({ stopRequested: true }).where(eq(messages.id, id));
    },

    /**
     * The finished reply, its conversation's total and the new title in one statement (a data-modifying
     * WITH). A title the user has set meanwhile is kept. Undefined when the conversation is gone.
     */
    async finish(
      plan: Pick<ReplyPlan, 'assistant' | 'conversationId'>,
      final: FinalReply,
      /** What this run of the reply was charged (a continued reply has been charged before). */
      charged: number,
      title: string | null,
    ): Promise<(MessageRow & { titled: boolean | null }) | undefined> {
      const total = db.$with('total', {}).as(
        db
          .update(conversations)
          .set({
            totalCost: sql`${conversations.totalCost} + ${charged}`,
            updatedAt: sql`now()`,
            ...(title
              ? { title: sql`case when ${conversations.titleSet} then ${conversations.title} else ${title} end` }
              : {}),
          })
          .where(eq(conversations.id, plan.conversationId))
          .returning({ titled: sql<boolean>`not ${conversations.titleSet}`.as('titled') })
          .getSQL(),
      );
      const [saved] = await db
        .with(total)
        .update(messages)
        .set({ ...final, updatedAt: sql`now()` })
        .where(eq(messages.id, plan.assistant.id))
        .returning({
          ...getTableColumns(messages),
          titled: sql<boolean | null>`(select titled from ${total})`,
        });
      return saved;
    },

    /** Names a conversation unless the user has named it meanwhile. */
    async setTitle(conversationId: string, title: string): Promise<void> {
      await db
        .update(conversations)
        .set({ title, updatedAt: sql`now()` })
        .where(and(eq(conversations.id, conversationId), eq(conversations.titleSet, false)));
    },

    /** Replies still marked streaming that nobody has saved since `cutoff`. */
    async staleReplies(cutoff: Date): Promise<MessageRow[]> {
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.status, 'streaming'), lt(messages.updatedAt, cutoff)));
    },

    /** Marks a stale reply failed, unless something else finished it first; the row when this did. */
    async closeStale(id: string, error: ReplyError): Promise<MessageRow | undefined> {
      const [closed] = await db
        .update(messages)
        .set({ status: 'error', error, finishReason: 'error', updatedAt: sql`now()` })
        .where(and(eq(messages.id, id), eq(messages.status, 'streaming')))
        .returning();
      return closed;
    },

    /** Records what a reply was charged after it ended (the sweeper's settlement). */
    async addCost(message: Pick<MessageRow, 'id' | 'conversationId'>, charged: number): Promise<void> {
      await db.update(messages).set({ cost: charged }).where(eq(messages.id, message.id));
      await db
        .update(conversations)
        .set({ totalCost: sql`${conversations.totalCost} + ${charged}` })
        .where(eq(conversations.id, message.conversationId));
    },

    /** The status of the reply a generation wrote; undefined for a generation without a message (/v1, titles). */
    async statusOfGeneration(generationId: string): Promise<string | undefined> {
      const [row] = await db
        .select({ status: messages.status })
        .from(messages)
        .where(eq(messages.generationId, generationId));
      return row?.status;
    },
  };
}

export type ReplyStore = ReturnType<typeof createReplyStore>;
