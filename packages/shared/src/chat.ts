import { z } from 'zod';
import { ENDPOINT_KINDS, MESSAGE_ROLES, MESSAGE_STATUSES, MODEL_PARAM_LIMITS as LIMITS } from './constants.ts';

export const endpointKindSchema = z.enum(ENDPOINT_KINDS);
export type EndpointKind = z.infer<typeof endpointKindSchema>;

export const modelPriceSchema = z.object({ input: z.number(), output: z.number() });

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** USD per 1M tokens = credits per token. */
  price: modelPriceSchema,
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const endpointInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: endpointKindSchema,
  models: z.array(modelInfoSchema),
  /**
   * Whose API key the endpoint uses: `none` — the server's own; `required` — the user's own
   * (apiKey: user_provided) and this user has none saved; `set` — the user's own, saved.
   */
  userKey: z.enum(['none', 'required', 'set']).default('none'),
});
export type EndpointInfo = z.infer<typeof endpointInfoSchema>;

export const modelsResponseSchema = z.object({
  endpoints: z.array(endpointInfoSchema),
  default: z.object({ endpoint: z.string(), model: z.string() }).nullable(),
});
export type ModelsResponse = z.infer<typeof modelsResponseSchema>;

export const modelParamsSchema = z.object({
  temperature: z.number().min(LIMITS.temperature.min).max(LIMITS.temperature.max).optional(),
  topP: z.number().min(LIMITS.topP.min).max(LIMITS.topP.max).optional(),
  maxOutputTokens: z.number().int().min(LIMITS.maxOutputTokens.min).max(LIMITS.maxOutputTokens.max).optional(),
});
export type ModelParams = z.infer<typeof modelParamsSchema>;

export const usageSchema = z.object({
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  cacheReadTokens: z.number().int(),
  cacheWriteTokens: z.number().int(),
  reasoningTokens: z.number().int(),
});
export type MessageUsage = z.infer<typeof usageSchema>;

/**
 * Why a reply failed, as data: the web words it from `code` and these fields, in the reader's language;
 * `message` is the server's English wording, for logs and API clients.
 */
export const replyErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** The provider's HTTP status, when it answered with one. */
  status: z.number().int().optional(),
  /** Seconds the provider asked to wait before retrying. */
  retryAfterSeconds: z.number().optional(),
  /** The provider's own reason (secrets masked), when it gave one. */
  detail: z.string().optional(),
  /** The call used the user's own API key (an endpoint with `apiKey: user_provided`). */
  userKey: z.boolean().optional(),
  /** How long the provider had been silent (PROVIDER_TIMEOUT). */
  idleSeconds: z.number().optional(),
});
export type ReplyError = z.infer<typeof replyErrorSchema>;

/**
 * A message is an ordered list of parts. `text` is what the model wrote (as markdown); `reasoning` what
 * it thought before or between answers (shown collapsed); `tool-call` / `tool-result` a tool the model
 * asked for and its answer; `file` a file attached to the message; `citation` a source the answer quotes;
 * `error` a step that failed inside a reply that went on (a reply that failed as a whole says so in
 * `Message.error`). `Message.content` is the text parts joined: for search, titles and old clients.
 */
export const messagePartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({ type: z.literal('tool-call'), toolCallId: z.string(), toolName: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('tool-result'),
    toolCallId: z.string(),
    toolName: z.string(),
    output: z.unknown(),
    isError: z.boolean().optional(),
  }),
  z.object({ type: z.literal('file'), fileId: z.string(), name: z.string(), mediaType: z.string() }),
  z.object({
    type: z.literal('citation'),
    sourceId: z.string(),
    url: z.string().optional(),
    title: z.string().optional(),
  }),
  z.object({ type: z.literal('error'), error: replyErrorSchema }),
]);
export type MessagePart = z.infer<typeof messagePartSchema>;
export type MessagePartType = MessagePart['type'];
/** The part kinds that grow token by token while a reply streams. */
export type StreamedPartType = Extract<MessagePartType, 'text' | 'reasoning'>;

export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  parentId: z.string().nullable(),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  parts: z.array(messagePartSchema),
  status: messageStatusSchema,
  error: replyErrorSchema.nullable(),
  endpoint: z.string().nullable(),
  model: z.string().nullable(),
  usage: usageSchema.nullable(),
  /** Credits charged for this reply. */
  cost: z.number().int().nullable(),
  finishReason: z.string().nullable(),
  /** Milliseconds from the request to the first token, and to the end. */
  ttftMs: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  endpoint: z.string().nullable(),
  model: z.string().nullable(),
  systemPrompt: z.string().nullable(),
  params: modelParamsSchema,
  pinned: z.boolean(),
  archived: z.boolean(),
  temporary: z.boolean(),
  /** The leaf of the branch the user last looked at. */
  currentLeafId: z.string().nullable(),
  /** Credits spent in this conversation so far. */
  totalCost: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Conversation = z.infer<typeof conversationSchema>;

export const conversationListQuerySchema = z.object({
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const conversationPageSchema = z.object({
  items: z.array(conversationSchema),
  nextCursor: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof conversationPageSchema>;

export const conversationWithMessagesSchema = z.object({
  conversation: conversationSchema,
  messages: z.array(messageSchema),
});
export type ConversationWithMessages = z.infer<typeof conversationWithMessagesSchema>;

export const updateConversationSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    pinned: z.boolean(),
    archived: z.boolean(),
    systemPrompt: z.string().max(20_000).nullable(),
    params: modelParamsSchema,
    endpoint: z.string().max(100),
    model: z.string().max(200),
    currentLeafId: z.string().max(100).nullable(),
  })
  .partial();
export type UpdateConversation = z.infer<typeof updateConversationSchema>;

export const forkConversationSchema = z.object({
  messageId: z.string().min(1).max(100),
  /** false: only the branch leading to the message; true: the message's whole subtree too. */
  includeBranches: z.boolean().default(false),
});

const target = {
  endpoint: z.string().min(1).max(100),
  model: z.string().min(1).max(200),
  params: modelParamsSchema.optional(),
};

/** Starts a generation. The response is a server-sent event stream (see ChatEvent). */
export const chatRequestSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('send'),
    /** Omitted: a new conversation. */
    conversationId: z.string().max(100).optional(),
    /** The message this one answers (null: the first message of the conversation). */
    parentId: z.string().max(100).nullable(),
    content: z.string().trim().min(1, 'Write a message').max(200_000),
    systemPrompt: z.string().max(20_000).optional(),
    temporary: z.boolean().optional(),
    ...target,
  }),
  z.object({
    action: z.literal('regenerate'),
    /** The assistant message to answer again, as a new sibling. */
    messageId: z.string().min(1).max(100),
    ...target,
  }),
  z.object({
    action: z.literal('continue'),
    /** The cut-off assistant message to extend. */
    messageId: z.string().min(1).max(100),
  }),
]);
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/**
 * Server-sent events of a generation, in order: `start`, then `delta`s and `part`s, then one of `done` or
 * `error`. A reconnecting client gets `snapshot` (the message so far, with its parts) instead of the
 * events it missed.
 *
 * `delta` appends `text` to the part at `index` of the assistant message's parts; an index one past the
 * end starts a new part of kind `part`. `part` sets the whole part at `index` (tool calls, results,
 * citations: parts that arrive whole). `notice`: something the user should know about the reply that is
 * not an error, e.g. its output limit was lowered to what the balance can pay (`maxOutputTokens`).
 */
export const chatEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    conversation: conversationSchema,
    userMessage: messageSchema.nullable(),
    assistantMessage: messageSchema,
  }),
  z.object({ type: z.literal('snapshot'), message: messageSchema }),
  z.object({
    type: z.literal('delta'),
    index: z.number().int().min(0),
    part: z.enum(['text', 'reasoning']),
    text: z.string(),
  }),
  z.object({ type: z.literal('part'), index: z.number().int().min(0), part: messagePartSchema }),
  z.object({
    type: z.literal('notice'),
    code: z.literal('OUTPUT_LIMIT_LOWERED'),
    maxOutputTokens: z.number().int(),
    requested: z.number().int(),
  }),
  z.object({ type: z.literal('done'), message: messageSchema, balance: z.number().int().nullable() }),
  z.object({ type: z.literal('error'), message: messageSchema, error: replyErrorSchema }),
  z.object({ type: z.literal('title'), conversationId: z.string(), title: z.string() }),
]);
export type ChatEvent = z.infer<typeof chatEventSchema>;
