import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { MessagePart } from '@tessera/shared';
import type { Config } from '../config/schema.ts';
import type { ReplyBilling } from '../billing/replies.ts';
import type { Usage } from '../billing/pricing.ts';
import { AppError, isDependencyDown } from '../http/errors.ts';
import { openEventStream } from '../http/event-stream.ts';
import type { ModelNeeds, ProviderRegistry } from '../providers/registry.ts';
import { estimatePromptTokens } from '../providers/tokenizer.ts';
import { describeProviderError } from '../chat/provider-errors.ts';
import { runReply, usageOf } from '../chat/pipeline.ts';
import { isUserProvided } from '../providers/user-keys.ts';
import {
  chatCompletionRequestSchema,
  chatCompletionSchema,
  FINISH_REASONS,
  modelListSchema,
  type ChatCompletionRequest,
} from './schema.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

/**
 * OpenAI's error shape, which the official clients parse; `extra` carries structured fields beside it
 * (a 402's `required` and `balance`, as OpenRouter sends).
 */
function sendOpenAIError(
  reply: FastifyReply,
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return reply
    .status(status)
    .send({ error: { message, type: ERROR_TYPES[status] ?? 'server_error', param, code, ...extra } });
}

/** The text of an answer and of its reasoning, as OpenAI-compatible APIs carry them. */
function contentOf(parts: MessagePart[]): { content: string; reasoning_content?: string } {
  let content = '';
  let reasoning = '';
  for (const part of parts) {
    if (part.type === 'text') content += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
  }
  return reasoning ? { content, reasoning_content: reasoning } : { content };
}

function usageChunk(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    ...(usage.reasoningTokens ? { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } } : {}),
    ...(usage.cacheReadTokens ? { prompt_tokens_details: { cached_tokens: usage.cacheReadTokens } } : {}),
  };
}

function text(content: ChatCompletionRequest['messages'][number]['content']): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/**
 * The system texts and the conversation turns a provider is sent. Messages without text are left
 * out: providers such as Anthropic refuse an empty text block (a 502 here, where the client's
 * request was at fault).
 */
function promptOf(messages: ChatCompletionRequest['messages']): {
  system: string[];
  messages: { role: 'user' | 'assistant'; content: string }[];
} {
  const withText = messages
    .map((m) => ({ role: m.role, content: text(m.content) }))
    .filter((m) => m.content.trim() !== '');
  return {
    system: withText.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => m.content),
    messages: withText
      .filter((m) => m.role === 'user' || m.role === 'assistant')
      .map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content })),
  };
}

export interface OpenAIRouteDeps {
  providers: ProviderRegistry;
  billing: ReplyBilling;
  config: Config;
}

/** `/v1/models` and `/v1/chat/completions` for API-key clients, on the web chat's reply pipeline and billing. */
export async function openAIRoutes(app: FastifyInstance, { providers, billing, config }: OpenAIRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const { fields, ...extra } = error.details as { fields?: { field: string }[] };
      const param = fields?.[0]?.field ?? (error.code === 'INSUFFICIENT_CREDITS' ? 'max_tokens' : null);
      return sendOpenAIError(reply, error.status, error.message, error.code.toLowerCase(), param, extra);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0]!;
      const param = issue.instancePath.slice(1).replaceAll('/', '.') || null;
      return sendOpenAIError(reply, 400, `${param ?? 'body'}: ${issue.message}`, 'invalid_value', param);
    }
    if (error.statusCode && error.statusCode < 500)
      return sendOpenAIError(reply, error.statusCode, error.message, error.code ?? null);
    if (isDependencyDown(error))
      return sendOpenAIError(reply, 503, 'A service Tessera depends on is unavailable', 'service_unavailable');
    request.log.error({ err: error }, 'unhandled error');
    return sendOpenAIError(reply, 500, 'Something went wrong on our side', 'internal_error');
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.user = await app.authenticate(request);
    if (!request.user)
      throw new AppError(
        'UNAUTHORIZED',
        'Incorrect or missing API key: send Authorization: Bearer <your Tessera API key>',
      );
  });

  /** Models are named `endpoint/model`; a bare model name works when only one endpoint offers it. */
  async function resolveModel(name: string, userId: string, needs: ModelNeeds) {
    const endpoints = await providers.list(userId);
    const slash = name.indexOf('/');
    if (slash > 0 && endpoints.some((e) => e.id === name.slice(0, slash))) {
      return providers.resolve(name.slice(0, slash), name.slice(slash + 1), userId, needs);
    }
    const offering = endpoints.filter((e) => e.models.some((m) => m.id === name));
    if (offering.length === 1) return providers.resolve(offering[0]!.id, name, userId, needs);
    throw new AppError(
      'NOT_FOUND',
      offering.length > 1
        ? `Several endpoints offer ${name}; name one as endpoint/${name}`
        : `The model ${name} does not exist or you do not have access to it`,
      { fields: [{ field: 'model', message: 'unknown model', code: 'unknown' }] },
    );
  }

  api.get(
    '/v1/models',
    { schema: { tags: ['openai'], summary: 'Models, OpenAI style', response: { 200: modelListSchema } } },
    async (request) => {
      const endpoints = await providers.list(request.user!.id);
      return {
        object: 'list' as const,
        data: endpoints.flatMap((e) =>
          e.models.map((m) => ({ id: `${e.id}/${m.id}`, object: 'model' as const, created: 0, owned_by: e.name })),
        ),
      };
    },
  );

  api.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'Chat Completions, OpenAI style, billed to the key owner (stream: true answers server-sent chunks)',
        body: chatCompletionRequestSchema,
        response: { 200: chatCompletionSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const user = request.user!;
      const chars = body.messages.reduce((sum, m) => sum + text(m.content).length, 0);
      if (chars > config.openaiApi.maxRequestChars)
        return sendOpenAIError(
          reply,
          400,
          `messages: ${chars} characters of text; this server accepts at most ${config.openaiApi.maxRequestChars} per request`,
          'request_too_large',
          'messages',
        );
      const { system, messages } = promptOf(body.messages);
      if (messages.length === 0)
        return sendOpenAIError(
          reply,
          400,
          'messages: at least one user or assistant message with content is required',
          'invalid_value',
          'messages',
        );
      const resolved = await resolveModel(body.model, user.id, { stopSequences: body.stop != null });
      const promptTokens = await estimatePromptTokens([...system, ...messages.map((m) => m.content)]);
      const reservationId = randomUUID();
      // The reply may write what the caller asked for, and the balance must hold all of it: a shorter
      // reply than `max_tokens` would be a silent truncation (a 402 says what is required instead).
      const credits = await billing.hold({
        userId: user.id,
        reservationId,
        promptTokens,
        maxOutputTokens:
          body.max_completion_tokens ??
          body.max_tokens ??
          Math.min(resolved.defaults.maxOutputTokens ?? config.chat.maxOutputTokens, config.openaiApi.defaultMaxTokens),
        price: resolved.price,
        fit: 'exact',
        context: { endpoint: resolved.endpointId, model: resolved.modelId, description: 'API reply' },
      });
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      const model = body.model;
      const abort = new AbortController();
      const run = {
        call: {
          model: resolved.model,
          price: resolved.price,
          system: system.length ? system.join('\n\n') : undefined,
          messages,
          temperature: body.temperature ?? resolved.defaults.temperature,
          topP: body.top_p ?? resolved.defaults.topP,
          maxOutputTokens: credits.maxOutputTokens,
          stopSequences: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined),
          promptTokens,
        },
        hold: credits,
        description: 'API reply',
        abort,
        idleTimeoutSeconds: config.chat.idleTimeoutSeconds,
      };
      const settle = () =>
        credits
          .settle()
          .catch((error: unknown) =>
            request.log.error(
              { err: error, reservationId },
              'could not settle an API reply; the sweeper will release it',
            ),
          );
      const describe = (failure: unknown, generated: boolean) =>
        describeProviderError(failure, generated, isUserProvided(resolved.endpoint));

      if (!body.stream) {
        // A client that hangs up stops the generation; it pays for what was generated.
        reply.raw.on('close', () => {
          if (!reply.raw.writableFinished) abort.abort('stopped');
        });
        const outcome = await runReply({ ...run, whole: true });
        await settle();
        if (outcome.failure) {
          const described = describe(outcome.failure, outcome.generated);
          return sendOpenAIError(reply, 502, described.message, described.code.toLowerCase());
        }
        const usage = usageOf(outcome.steps) ?? { inputTokens: promptTokens, outputTokens: 0 };
        return {
          id,
          object: 'chat.completion' as const,
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant' as const, ...contentOf(outcome.parts) },
              finish_reason: FINISH_REASONS[outcome.finishReason ?? 'stop'] ?? 'stop',
              logprobs: null,
            },
          ],
          usage: usageChunk(usage),
        };
      }

      // A streaming API client that disconnects stops the generation; it pays for what was generated.
      const stream = openEventStream(request, reply);
      void stream.closed.then(() => abort.abort('stopped'));
      const write = (data: unknown) =>
        stream.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      const chunk = (delta: object, finish: string | null) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      });
      write(chunk({ role: 'assistant', content: '' }, null));
      const outcome = await runReply({
        ...run,
        onDelta: (_index, kind, text) =>
          write(chunk(kind === 'text' ? { content: text } : { reasoning_content: text }, null)),
      });
      await settle();
      if (outcome.failure && outcome.failure !== 'stopped') {
        const described = describe(outcome.failure, outcome.generated);
        write({
          error: { message: described.message, type: 'server_error', param: null, code: described.code.toLowerCase() },
        });
      } else if (!outcome.failure) {
        write(chunk({}, FINISH_REASONS[outcome.finishReason ?? 'stop'] ?? 'stop'));
        const usage = usageOf(outcome.steps);
        if (body.stream_options?.include_usage && usage) {
          write({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageChunk(usage) });
        }
      }
      write('[DONE]');
      stream.end();
    },
  );
}
