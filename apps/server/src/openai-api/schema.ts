import { z } from 'zod';

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

/** The part of OpenAI's Chat Completions request Tessera honours; unknown fields are ignored, as OpenAI-compatible servers do. */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1).max(300),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant']),
        content: z.union([z.string(), z.array(textPart)]).nullable(),
      }),
    )
    .min(1),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

export const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  length: 'length',
  'content-filter': 'content_filter',
  'tool-calls': 'tool_calls',
};

/** What `GET /v1/models` answers. */
export const modelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() })),
});

const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().int() }).optional(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }).optional(),
});

/** A non-streaming `POST /v1/chat/completions` answer (a streaming one is chunks of the same fields). */
export const chatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string(),
        reasoning_content: z.string().optional(),
      }),
      finish_reason: z.string(),
      logprobs: z.null(),
    }),
  ),
  usage: usageSchema,
});
