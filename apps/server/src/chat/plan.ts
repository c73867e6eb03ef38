import { randomUUID } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import type { ChatRequest, MessagePart, ModelParams } from '@tessera/shared';
import type { Config, Price } from '../config/schema.ts';
import { DEFAULT_TITLE, type messages } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { AuthUser } from '../auth/user.ts';
import type { ProviderRegistry, Resolved } from '../providers/registry.ts';
import { estimatePromptTokens } from '../providers/tokenizer.ts';
import { isUserProvided } from '../providers/user-keys.ts';
import type { ConversationStore } from './conversations.ts';

export type MessageRow = typeof messages.$inferSelect;

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

/** A reply ready to run: its conversation and messages, its model call, and what it may cost. */
export interface ReplyPlan {
  generationId: string;
  conversationId: string;
  /** Set for a conversation this reply creates: what it is created with. */
  newConversation: { systemPrompt: string | null; params: ModelParams; temporary: boolean } | null;
  userMessage: MessageRow | null;
  /** The reply's message: new (send, regenerate) or the one continued. */
  assistant: MessageRow;
  /** Whether the assistant message is written anew (false: a continued message is updated). */
  insertsAssistant: boolean;
  /** The parts the reply starts from: a continued message's (a prefilled one without trailing space). */
  parts: MessagePart[];
  /** The text already written (continue). */
  prefix: string;
  /** A continuation the provider writes as a new reply (no prefill): it may need a space after the prefix. */
  answersAnew: boolean;
  endpointId: string;
  modelId: string;
  model: LanguageModelV3;
  price: Price;
  /** Called with the user's own key (a user_provided endpoint). */
  userKey: boolean;
  system: string | undefined;
  history: ModelMessage[];
  params: ModelParams & { maxOutputTokens: number };
  promptTokens: number;
  /** Whether to name the conversation from `question` alongside the reply. */
  wantsTitle: boolean;
  question: string;
}

interface Draft extends Omit<
  ReplyPlan,
  'endpointId' | 'modelId' | 'model' | 'price' | 'userKey' | 'params' | 'promptTokens' | 'generationId'
> {
  resolved: Resolved;
  params: ModelParams;
}

function toModelMessages(rows: MessageRow[]): ModelMessage[] {
  return rows
    .filter((m) => m.content !== '')
    .map((m) => (m.role === 'user' ? { role: 'user', content: m.content } : { role: 'assistant', content: m.content }));
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

/** A prefilled continuation: the text it goes on from, without the trailing whitespace providers refuse. */
function trimmedForPrefill(parts: MessagePart[]): MessagePart[] {
  const copy = structuredClone(parts);
  const last = copy.at(-1);
  if (last?.type === 'text') last.text = last.text.trimEnd();
  return copy;
}

export interface PlannerDeps {
  store: ConversationStore;
  providers: ProviderRegistry;
  config: Config;
}

/** Turns a chat request into a reply plan: which conversation and branch, which model, what prompt. */
export function createPlanner({ store, providers, config }: PlannerDeps) {
  async function draft(user: AuthUser, request: ChatRequest): Promise<Draft> {
    if (request.action === 'send') {
      const existing = request.conversationId ? await store.owned(user.id, request.conversationId) : null;
      if (!existing && request.parentId) {
        throw new AppError('VALIDATION_ERROR', 'parentId needs a conversationId', {
          fields: [{ field: 'conversationId', message: 'Required when parentId is set', code: 'required' }],
        });
      }
      const history = existing && request.parentId ? await store.path(existing.id, request.parentId) : [];
      if (request.parentId && history.length === 0)
        throw new AppError('NOT_FOUND', 'No such parent message in this conversation');
      const resolved = await providers.resolve(request.endpoint, request.model, user.id);
      const conversationId = existing?.id ?? randomUUID();
      const now = new Date();
      const userMessage = blankMessage(conversationId, request.parentId, 'user', now);
      userMessage.content = request.content;
      userMessage.parts = [{ type: 'text', text: request.content }];
      return {
        conversationId,
        newConversation: existing
          ? null
          : {
              systemPrompt: request.systemPrompt?.trim() ? request.systemPrompt : null,
              params: request.params ?? {},
              temporary: request.temporary ?? false,
            },
        userMessage,
        assistant: blankMessage(conversationId, userMessage.id, 'assistant', new Date(now.getTime() + 1)),
        insertsAssistant: true,
        parts: [],
        prefix: '',
        answersAnew: false,
        history: [...toModelMessages(history), { role: 'user', content: request.content }],
        system: request.systemPrompt ?? existing?.systemPrompt ?? undefined,
        params: { ...resolved.defaults, ...existing?.params, ...request.params },
        resolved,
        // A conversation whose title never came (a failed first reply, a failed title) is named on a later send.
        wantsTitle: !existing || (!existing.titleSet && existing.title === DEFAULT_TITLE),
        question: request.content,
      };
    }

    const { message, conversation } = await store.ownedMessage(user.id, request.messageId);
    if (message.role !== 'assistant')
      throw new AppError('VALIDATION_ERROR', 'Only an assistant message can be regenerated or continued', {
        fields: [{ field: 'messageId', message: 'Not an assistant message', code: 'unsupported' }],
      });
    if (message.status === 'streaming') throw new AppError('CONFLICT', 'This reply is still being generated');
    const endpointId = request.action === 'regenerate' ? request.endpoint : (message.endpoint ?? conversation.endpoint);
    const modelId = request.action === 'regenerate' ? request.model : (message.model ?? conversation.model);
    if (!endpointId || !modelId)
      throw new AppError('VALIDATION_ERROR', 'This message has no model to continue with', {
        fields: [{ field: 'messageId', message: 'The message names no model', code: 'unsupported' }],
      });
    const resolved = await providers.resolve(endpointId, modelId, user.id);
    const params = {
      ...resolved.defaults,
      ...conversation.params,
      ...(request.action === 'regenerate' ? request.params : {}),
    };
    const common = {
      conversationId: conversation.id,
      newConversation: null,
      userMessage: null,
      system: conversation.systemPrompt ?? undefined,
      params,
      resolved,
      wantsTitle: false,
    };
    if (request.action === 'regenerate') {
      const history = message.parentId ? await store.path(conversation.id, message.parentId) : [];
      return {
        ...common,
        assistant: blankMessage(conversation.id, message.parentId, 'assistant', new Date()),
        insertsAssistant: true,
        parts: [],
        prefix: '',
        answersAnew: false,
        history: toModelMessages(history),
        question: history.at(-1)?.content ?? '',
      };
    }
    const history = toModelMessages(await store.path(conversation.id, message.id));
    // Anthropic continues a trailing assistant message itself (a prefill, which must not end in
    // whitespace); other APIs answer it with a new reply, so they are asked to go on instead.
    const prefill = resolved.endpoint?.kind === 'anthropic';
    const prefix = prefill ? message.content.trimEnd() : message.content;
    if (prefix && prefill) history[history.length - 1] = { role: 'assistant', content: prefix };
    else if (prefix) history.push({ role: 'user', content: CONTINUE_INSTRUCTION });
    return {
      ...common,
      assistant: { ...message, status: 'streaming', error: null },
      insertsAssistant: false,
      parts: prefill ? trimmedForPrefill(message.parts) : message.parts,
      prefix,
      answersAnew: prefix !== '' && !prefill,
      history,
      question: '',
    };
  }

  return {
    async plan(user: AuthUser, request: ChatRequest): Promise<ReplyPlan> {
      const { resolved, ...input } = await draft(user, request);
      const system = input.system?.trim() ? input.system : undefined;
      const generationId = randomUUID();
      Object.assign(input.assistant, { endpoint: resolved.endpointId, model: resolved.modelId, generationId });
      return {
        ...input,
        generationId,
        // A blank system prompt is none: no empty system message goes to the provider.
        system,
        params: { ...input.params, maxOutputTokens: input.params.maxOutputTokens ?? config.chat.maxOutputTokens },
        endpointId: resolved.endpointId,
        modelId: resolved.modelId,
        price: resolved.price,
        model: resolved.model,
        userKey: isUserProvided(resolved.endpoint),
        promptTokens: await estimatePromptTokens([
          system ?? '',
          ...input.history.map((m) => (typeof m.content === 'string' ? m.content : '')),
        ]),
        wantsTitle: input.wantsTitle && config.chat.titles,
      };
    },
  };
}

export type Planner = ReturnType<typeof createPlanner>;
