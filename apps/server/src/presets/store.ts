import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { PRESET_LIMIT, type CreatePreset, type Preset, type UpdatePreset } from '@tessera/shared';
import type { Db } from '../db/client.ts';
import { presets, users } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';

type PresetRow = typeof presets.$inferSelect;

export function toPreset(row: PresetRow): Preset {
  return {
    id: row.id,
    name: row.name,
    endpoint: row.endpoint,
    model: row.model,
    systemPrompt: row.systemPrompt,
    params: row.params,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A blank system prompt is no system prompt. */
const prompt = (value: string | null | undefined) => (value?.trim() ? value : null);

/** A user's presets, always scoped to their owner: someone else's preset is a 404, never a 403. */
export function createPresetStore(db: Db, limit = PRESET_LIMIT) {
  return {
    /** Most recently changed first; at most `limit` of them exist. */
    async list(userId: string): Promise<Preset[]> {
      const rows = await db
        .select()
        .from(presets)
        .where(eq(presets.userId, userId))
        .orderBy(desc(presets.updatedAt), desc(presets.id));
      return rows.map(toPreset);
    },

    /**
     * The count check and the insert run under a lock on the user's row, so concurrent creates
     * cannot together go past the limit.
     */
    async create(userId: string, input: CreatePreset): Promise<Preset> {
      return db.transaction(async (tx) => {
        await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
        const [existing] = await tx.select({ n: count() }).from(presets).where(eq(presets.userId, userId));
        if ((existing?.n ?? 0) >= limit) {
          throw new AppError('CONFLICT', `You can keep at most ${limit} presets; delete one first`, { limit });
        }
        const [row] = await tx
          .insert(presets)
          .values({
            id: randomUUID(),
            userId,
            name: input.name,
            endpoint: input.endpoint ?? null,
            model: input.model ?? null,
            systemPrompt: prompt(input.systemPrompt),
            params: input.params ?? {},
          })
          .returning();
        return toPreset(row!);
      });
    },

    async update(userId: string, id: string, patch: UpdatePreset): Promise<Preset> {
      const [row] = await db
        .update(presets)
        .set({
          ...patch,
          ...(patch.systemPrompt !== undefined ? { systemPrompt: prompt(patch.systemPrompt) } : {}),
          updatedAt: sql`now()`,
        })
        .where(and(eq(presets.id, id), eq(presets.userId, userId)))
        .returning();
      if (!row) throw new AppError('NOT_FOUND', 'No such preset');
      return toPreset(row);
    },

    async remove(userId: string, id: string): Promise<void> {
      const deleted = await db
        .delete(presets)
        .where(and(eq(presets.id, id), eq(presets.userId, userId)))
        .returning({ id: presets.id });
      if (deleted.length === 0) throw new AppError('NOT_FOUND', 'No such preset');
    },
  };
}

export type PresetStore = ReturnType<typeof createPresetStore>;
