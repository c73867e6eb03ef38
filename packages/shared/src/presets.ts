import { z } from 'zod';
import { modelParamsSchema } from './chat.ts';
import { PRESET_NAME_MAX, SYSTEM_PROMPT_MAX } from './constants.ts';

/** A saved model + system prompt + parameters, to start new chats from. */
export const presetSchema = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string().nullable(),
  model: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  params: modelParamsSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Preset = z.infer<typeof presetSchema>;

export const presetListSchema = z.object({ items: z.array(presetSchema) });
export type PresetList = z.infer<typeof presetListSchema>;

const fields = {
  name: z.string().trim().min(1, 'Name the preset').max(PRESET_NAME_MAX),
  endpoint: z.string().min(1).max(100).nullable(),
  model: z.string().min(1).max(200).nullable(),
  systemPrompt: z.string().max(SYSTEM_PROMPT_MAX).nullable(),
  params: modelParamsSchema,
};

export const createPresetSchema = z.object({
  name: fields.name,
  endpoint: fields.endpoint.optional(),
  model: fields.model.optional(),
  systemPrompt: fields.systemPrompt.optional(),
  params: fields.params.optional(),
});
export type CreatePreset = z.infer<typeof createPresetSchema>;

/** Every field optional; `params` replaces the saved parameters as a whole ({} = all defaults). */
export const updatePresetSchema = z.object(fields).partial();
export type UpdatePreset = z.infer<typeof updatePresetSchema>;
