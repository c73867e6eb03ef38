import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  chatRequestSchema,
  conversationListQuerySchema,
  conversationPageSchema,
  conversationSchema,
  conversationWithMessagesSchema,
  errorBodySchema,
  forkConversationSchema,
  idParamSchema,
  messageSchema,
  modelsResponseSchema,
  textOf,
  updateConversationSchema,
  type Message,
  type MessagePart,
} from '@tessera/shared';
import { requireChatAccess, requireUser } from '../auth/guard.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { toConversation, toMessage, type ConversationStore } from './conversations.ts';
import type { ChatService } from './service.ts';
import type { ReplyRelay } from './relay.ts';
import { openSse } from './sse.ts';

const POLL_MS = 500;
const POLL_LIMIT_MS = 10 * 60_000;

export interface ChatRouteDeps {
  store: ConversationStore;
  chat: ChatService;
  providers: ProviderRegistry;
  /** Shares replies with other instances through Redis, when there is one. */
  relay: ReplyRelay | null;
}

/** A reply still being written, as a reconnecting client first sees it. */
function streamingSnapshot(message: Parameters<typeof toMessage>[0], parts: MessagePart[]): Message {
  return { ...toMessage(message), parts, content: textOf(parts), status: 'streaming' };
}

const messageIdParams = z.object({ messageId: z.string().min(1).max(100) });

export async function chatRoutes(app: FastifyInstance, { store, chat, providers, relay }: ChatRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];

  api.get(
    '/api/models',
    {
      onRequest: requireChatAccess,
      schema: {
        tags,
        summary: 'Endpoints and models this user can chat with',
        response: { 200: modelsResponseSchema },
      },
    },
    async (request) => ({
      endpoints: await providers.list(request.user!.id),
      default: await providers.defaultTarget(request.user!.id),
    }),
  );

  api.get(
    '/api/conversations',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Conversations, pinned first then newest',
        querystring: conversationListQuerySchema,
        response: { 200: conversationPageSchema },
      },
    },
    async (request) => store.list(request.user!.id, request.query),
  );

  api.get(
    '/api/conversations/:id',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'A conversation with its whole message tree',
        params: idParamSchema,
        response: { 200: conversationWithMessagesSchema },
      },
    },
    async (request, reply) => {
      const conversation = await store.owned(request.user!.id, request.params.id);
      const messages = await store.messagesJson(conversation.id);
      // Already JSON, so Fastify sends the string as it is (the schema above documents its shape):
      // no parsing and re-serialising of thousands of messages.
      const body = `{"conversation":${JSON.stringify(toConversation(conversation))},"messages":${messages}}`;
      return reply.type('application/json').send(body as never);
    },
  );

  api.patch(
    '/api/conversations/:id',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Rename, pin, archive, set the system prompt, parameters, model or current branch',
        params: idParamSchema,
        body: updateConversationSchema,
        response: { 200: conversationSchema },
      },
    },
    async (request) => toConversation(await store.update(request.user!.id, request.params.id, request.body)),
  );

  api.delete(
    '/api/conversations/:id',
    { onRequest: requireUser, schema: { tags, summary: 'Delete a conversation', params: idParamSchema } },
    async (request, reply) => {
      await store.remove(request.user!.id, request.params.id);
      chat.stopConversation(request.user!.id, request.params.id);
      return reply.status(204).send();
    },
  );

  api.post(
    '/api/conversations/:id/fork',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'A new conversation from a message (its branch, or with what grew below it)',
        params: idParamSchema,
        body: forkConversationSchema,
        response: { 201: conversationSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          toConversation(
            await store.fork(request.user!.id, request.params.id, request.body.messageId, request.body.includeBranches),
          ),
        ),
  );

  api.post(
    '/api/conversations/:id/duplicate',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Copy a conversation with all its branches',
        params: idParamSchema,
        response: { 201: conversationSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(toConversation(await store.duplicate(request.user!.id, request.params.id))),
  );

  api.post(
    '/api/chat',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Send, regenerate or continue; answers with server-sent events (start, delta…, done | error, title)',
        body: chatRequestSchema,
        response: { 402: errorBodySchema, '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      const { run, startEvent, launch } = await chat.start(request.user!, request.body);
      const sse = openSse(request, reply);
      sse.send(startEvent);
      const unsubscribe = run.subscribe(sse.send, sse.end);
      relay?.attach(run);
      launch();
      await sse.closed;
      unsubscribe();
    },
  );

  api.get(
    '/api/chat/:messageId/stream',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Reconnect to a reply: what was written so far (snapshot), then the rest live',
        params: messageIdParams,
      },
    },
    async (request, reply) => {
      const { message } = await store.ownedMessage(request.user!.id, request.params.messageId);
      const sse = openSse(request, reply);
      const run = chat.runs.get(message.id);
      if (run && !run.finished) {
        sse.send({ type: 'snapshot', message: streamingSnapshot(message, run.parts) });
        const unsubscribe = run.subscribe(sse.send, sse.end);
        await sse.closed;
        unsubscribe();
        return;
      }
      // Written on another instance: follow it through Redis when there is one.
      if (relay) {
        const followed = await relay.follow(
          message.id,
          (parts) => sse.send({ type: 'snapshot', message: streamingSnapshot(message, parts) }),
          sse.send,
          sse.closed,
        );
        if (followed) {
          sse.end();
          return;
        }
      }
      // Otherwise (or finished): follow the saved text until it is done.
      let last = toMessage(message);
      sse.send({ type: 'snapshot', message: last });
      const deadline = Date.now() + POLL_LIMIT_MS;
      let closed = false;
      void sse.closed.then(() => (closed = true));
      while (last.status === 'streaming' && !closed && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        const { message: fresh } = await store.ownedMessage(request.user!.id, message.id);
        const next = toMessage(fresh);
        if (next.status === 'streaming' && JSON.stringify(next.parts) !== JSON.stringify(last.parts))
          sse.send({ type: 'snapshot', message: next });
        last = next;
      }
      if (last.status === 'error')
        sse.send({ type: 'error', message: last, error: last.error ?? { code: 'ERROR', message: 'The reply failed' } });
      else if (last.status !== 'streaming') sse.send({ type: 'done', message: last, balance: null });
      sse.end();
    },
  );

  api.post(
    '/api/chat/:messageId/stop',
    {
      onRequest: requireUser,
      schema: {
        tags,
        summary: 'Stop a reply; the partial answer is kept and marked stopped',
        params: messageIdParams,
        response: { 200: messageSchema },
      },
    },
    async (request) => chat.stop(request.user!, request.params.messageId),
  );
}
