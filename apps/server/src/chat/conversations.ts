import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, lt, or, sql } from 'drizzle-orm';
import type { Conversation, Message, UpdateConversation } from '@tessera/shared';
import type { Db } from '../db/client.ts';
import { conversations, messages } from '../db/schema.ts';
import { queryRows, toNumber } from '../db/sql.ts';
import { AppError } from '../http/errors.ts';

type ConversationRow = typeof conversations.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    title: row.title,
    endpoint: row.endpoint,
    model: row.model,
    systemPrompt: row.systemPrompt,
    params: row.params,
    pinned: row.pinned,
    archived: row.archived,
    temporary: row.temporary,
    currentLeafId: row.currentLeafId,
    totalCost: toNumber(row.totalCost),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    parentId: row.parentId,
    role: row.role,
    content: row.content,
    parts: row.parts,
    status: row.status,
    error: row.error,
    endpoint: row.endpoint,
    model: row.model,
    usage: row.usage,
    cost: row.cost === null ? null : toNumber(row.cost),
    finishReason: row.finishReason,
    ttftMs: row.ttftMs,
    durationMs: row.durationMs,
    createdAt: row.createdAt.toISOString(),
  };
}

interface Cursor {
  pinned: boolean;
  updatedAt: string;
  id: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(value: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(value, 'base64url').toString()) as Cursor;
    if (typeof c.pinned === 'boolean' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.updatedAt))) return c;
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_ERROR', 'cursor: not a cursor from a previous page', {
    fields: [{ field: 'cursor', message: 'not a cursor from a previous page' }],
  });
}

/** Conversations and their message trees, always scoped to their owner. */
export function createConversationStore(db: Db) {
  async function owned(userId: string, id: string): Promise<ConversationRow> {
    const [row] = await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.userId, userId)));
    if (!row) throw new AppError('NOT_FOUND', 'No such conversation');
    return row;
  }

  async function copyMessages(source: MessageRow[], conversationId: string): Promise<Map<string, string>> {
    const ids = new Map(source.map((m) => [m.id, randomUUID()]));
    const rows = source.map((m) => ({
      ...m,
      id: ids.get(m.id)!,
      conversationId,
      parentId: m.parentId ? (ids.get(m.parentId) ?? null) : null,
      status: m.status === 'streaming' ? 'stopped' : m.status,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.insert(messages).values(rows.slice(i, i + 500));
    return ids;
  }

  /** A new conversation with the source's settings and copies of `selected` (new ids, same tree). */
  async function copyConversation(
    userId: string,
    source: ConversationRow,
    title: string,
    selected: MessageRow[],
    leafId: string | null,
  ): Promise<ConversationRow> {
    const [copy] = await db
      .insert(conversations)
      .values({
        id: randomUUID(),
        userId,
        title,
        titleSet: true,
        endpoint: source.endpoint,
        model: source.model,
        systemPrompt: source.systemPrompt,
        params: source.params,
      })
      .returning();
    const ids = await copyMessages(selected, copy!.id);
    const [row] = await db
      .update(conversations)
      .set({ currentLeafId: leafId ? (ids.get(leafId) ?? null) : null })
      .where(eq(conversations.id, copy!.id))
      .returning();
    return row!;
  }

  return {
    owned,

    /** Newest first, pinned ones before the rest; temporary chats are not listed. */
    async list(userId: string, query: { archived: boolean; cursor?: string; limit: number }) {
      const conditions = [
        eq(conversations.userId, userId),
        eq(conversations.archived, query.archived),
        eq(conversations.temporary, false),
      ];
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        const at = new Date(c.updatedAt);
        conditions.push(
          or(
            lt(conversations.pinned, c.pinned),
            and(eq(conversations.pinned, c.pinned), lt(conversations.updatedAt, at)),
            and(eq(conversations.pinned, c.pinned), eq(conversations.updatedAt, at), lt(conversations.id, c.id)),
          )!,
        );
      }
      const rows = await db
        .select()
        .from(conversations)
        .where(and(...conditions))
        .orderBy(desc(conversations.pinned), desc(conversations.updatedAt), desc(conversations.id))
        .limit(query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(toConversation),
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ pinned: last.pinned, updatedAt: last.updatedAt.toISOString(), id: last.id })
            : null,
      };
    },

    async messages(conversationId: string): Promise<MessageRow[]> {
      return db
        .select()
        .from(messages)
        .where(eq(messages.conversationId, conversationId))
        .orderBy(asc(messages.createdAt), asc(messages.id));
    },

    /**
     * The whole tree as a JSON array of Message, built by the database: for a 10,000-message
     * conversation this is several times faster than reading rows and serialising them here.
     */
    async messagesJson(conversationId: string): Promise<string> {
      const [row] = await queryRows<{ json: string }>(
        db,
        sql`select coalesce(json_agg(json_build_object(
              'id', id, 'conversationId', conversation_id, 'parentId', parent_id, 'role', role, 'content', content,
              'parts', parts, 'status', status, 'error', error, 'endpoint', endpoint, 'model', model, 'usage', usage, 'cost', cost,
              'finishReason', finish_reason, 'ttftMs', ttft_ms, 'durationMs', duration_ms,
              'createdAt', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
            ) order by created_at, id), '[]')::text as json
            from ${messages} where conversation_id = ${conversationId}`,
      );
      return row!.json;
    },

    async message(conversationId: string, id: string): Promise<MessageRow> {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.id, id), eq(messages.conversationId, conversationId)));
      if (!row) throw new AppError('NOT_FOUND', 'No such message in this conversation');
      return row;
    },

    /** A message by id, checked against its owner. */
    async ownedMessage(userId: string, id: string): Promise<{ message: MessageRow; conversation: ConversationRow }> {
      const [row] = await db
        .select({ message: messages, conversation: conversations })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.id, id), eq(conversations.userId, userId)));
      if (!row) throw new AppError('NOT_FOUND', 'No such message');
      return row;
    },

    /** The messages from the root down to `leafId`, in order. */
    async path(conversationId: string, leafId: string): Promise<MessageRow[]> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`with recursive path(id, parent_id, depth) as (
              select id, parent_id, 0 from ${messages} where id = ${leafId} and conversation_id = ${conversationId}
              union all
              select m.id, m.parent_id, p.depth + 1 from ${messages} m join path p on m.id = p.parent_id
            )
            select id from path order by depth desc`,
      );
      if (rows.length === 0) return [];
      const found = await db
        .select()
        .from(messages)
        .where(
          inArray(
            messages.id,
            rows.map((r) => r.id),
          ),
        );
      const byId = new Map(found.map((m) => [m.id, m]));
      return rows.map((r) => byId.get(r.id)!);
    },

    async update(userId: string, id: string, patch: UpdateConversation): Promise<ConversationRow> {
      await owned(userId, id);
      if (patch.currentLeafId) await this.message(id, patch.currentLeafId);
      // A blank system prompt is no system prompt.
      if (patch.systemPrompt !== undefined && !patch.systemPrompt?.trim()) patch = { ...patch, systemPrompt: null };
      const [row] = await db
        .update(conversations)
        .set({ ...patch, ...(patch.title !== undefined ? { titleSet: true } : {}), updatedAt: sql`now()` })
        .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
        .returning();
      return row!;
    },

    async remove(userId: string, id: string): Promise<void> {
      const deleted = await db
        .delete(conversations)
        .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
        .returning({ id: conversations.id });
      if (deleted.length === 0) throw new AppError('NOT_FOUND', 'No such conversation');
    },

    /** A new conversation holding the branch up to `messageId` (and, optionally, everything below it). */
    async fork(userId: string, id: string, messageId: string, includeBranches: boolean): Promise<ConversationRow> {
      const source = await owned(userId, id);
      const branch = await this.path(id, messageId);
      if (branch.length === 0) throw new AppError('NOT_FOUND', 'No such message in this conversation');
      let selected = branch;
      if (includeBranches) {
        const all = await this.messages(id);
        const below = new Set([messageId]);
        for (const m of all) if (m.parentId && below.has(m.parentId)) below.add(m.id);
        selected = [...branch, ...all.filter((m) => below.has(m.id) && m.id !== messageId)];
      }
      return copyConversation(userId, source, `${source.title} (fork)`, selected, messageId);
    },

    async duplicate(userId: string, id: string): Promise<ConversationRow> {
      const source = await owned(userId, id);
      return copyConversation(userId, source, `${source.title} (copy)`, await this.messages(id), source.currentLeafId);
    },

    /** Temporary chats are removed 30 days after they were last used. */
    async removeExpiredTemporary(days = 30): Promise<number> {
      const removed = await db
        .delete(conversations)
        .where(
          and(
            eq(conversations.temporary, true),
            lt(conversations.updatedAt, sql`now() - make_interval(days => ${days})`),
          ),
        )
        .returning({ id: conversations.id });
      return removed.length;
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
