import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { generateText } from 'ai';
import type { Config } from '../config/schema.ts';
import type { Ledger } from '../billing/ledger.ts';
import { costOf, type Usage } from '../billing/pricing.ts';
import { affordableHold, billedUsage } from '../billing/replies.ts';
import { AppError, isDependencyDown } from '../http/errors.ts';
import type { ModelNeeds, ProviderRegistry } from '../providers/registry.ts';
import { countTokens, estimatePromptTokens } from '../providers/tokenizer.ts';
import { describeProviderError } from '../chat/provider-errors.ts';
import { streamReply } from '../providers/stream.ts';
import { isUserProvided } from '../providers/user-keys.ts';
import { chatCompletionRequestSchema, FINISH_REASONS, type ChatCompletionRequest } from './schema.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  429: 'rate_limit_exceeded',
};

/** OpenAI's error shape, which the official clients parse. */
function sendOpenAIError(
  reply: FastifyReply,
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
) {
  return reply.status(status).send({ error: { message, type: ERROR_TYPES[status] ?? 'server_error', param, code } });
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
  ledger: Ledger;
  config: Config;
}

/** `/v1/models` and `/v1/chat/completions` for API-key clients, billed like the web chat. */
export async function openAIRoutes(app: FastifyInstance, { providers, ledger, config }: OpenAIRouteDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      const field = (error.details.fields as { field: string }[] | undefined)?.[0]?.field ?? null;
      return sendOpenAIError(reply, error.status, error.message, error.code.toLowerCase(), field);
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
      { fields: [{ field: 'model', message: 'unknown model' }] },
    );
  }

  api.get('/v1/models', { schema: { tags: ['openai'], summary: 'Models, OpenAI style' } }, async (request) => {
    const endpoints = await providers.list(request.user!.id);
    return {
      object: 'list',
      data: endpoints.flatMap((e) =>
        e.models.map((m) => ({ id: `${e.id}/${m.id}`, object: 'model', created: 0, owned_by: e.name })),
      ),
    };
  });

  api.post(
    '/v1/chat/completions',
    {
      schema: {
        tags: ['openai'],
        summary: 'Chat Completions, OpenAI style, billed to the key owner',
        body: chatCompletionRequestSchema,
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
      const params = {
        maxOutputTokens:
          body.max_completion_tokens ??
          body.max_tokens ??
          resolved.defaults.maxOutputTokens ??
          config.chat.maxOutputTokens,
      };
      const promptTokens = await estimatePromptTokens([...system, ...messages.map((m) => m.content)]);
      const reservationId = randomUUID();
      const hold = config.billing.enabled
        ? await affordableHold(ledger, user.id, promptTokens, params, resolved.price)
        : 0;
      const context = { endpoint: resolved.endpointId, model: resolved.modelId, description: 'API reply' };
      if (hold > 0) await ledger.reserve({ userId: user.id, reservationId, amount: hold, ...context });
      /** Settles the hold at `usage`, or gives it all back when nothing is owed (null). */
      const settle = async (usage: Usage | null) => {
        if (hold === 0) return;
        if (!usage) await ledger.release(reservationId);
        else
          await ledger.settle({
            reservationId,
            cost: costOf(usage, resolved.price),
            usage,
            rates: resolved.price,
            ...context,
          });
      };
      const options = {
        model: resolved.model,
        system: system.length ? system.join('\n\n') : undefined,
        messages,
        temperature: body.temperature ?? resolved.defaults.temperature,
        topP: body.top_p ?? resolved.defaults.topP,
        maxOutputTokens: params.maxOutputTokens,
        stopSequences: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? undefined),
        maxRetries: 1,
      };
      const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
      const created = Math.floor(Date.now() / 1000);
      const model = body.model;

      if (!body.stream) {
        let result;
        try {
          result = await generateText(options);
        } catch (error) {
          await settle(null);
          const described = describeProviderError(error, false, isUserProvided(resolved.endpoint));
          return sendOpenAIError(reply, 502, described.message, described.code.toLowerCase());
        }
        const usage: Usage = {
          inputTokens: result.usage.inputTokens ?? promptTokens,
          outputTokens: result.usage.outputTokens ?? (await countTokens(result.text)),
          cacheReadTokens: result.usage.inputTokenDetails?.cacheReadTokens ?? 0,
          cacheWriteTokens: result.usage.inputTokenDetails?.cacheWriteTokens ?? 0,
        };
        await settle(usage);
        return {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: result.text },
              finish_reason: FINISH_REASONS[result.finishReason] ?? 'stop',
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: usage.inputTokens,
            completion_tokens: usage.outputTokens,
            total_tokens: usage.inputTokens + usage.outputTokens,
          },
        };
      }

      // A streaming API client that disconnects stops the generation; it pays for what was generated.
      const abort = new AbortController();
      reply.raw.on('close', () => abort.abort('client closed'));
      reply.raw.on('error', () => abort.abort('client closed'));
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-request-id': request.id,
      });
      const write = (data: unknown) => {
        if (!reply.raw.destroyed)
          reply.raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
      };
      const chunk = (delta: object, finish: string | null) => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      });
      write(chunk({ role: 'assistant', content: '' }, null));
      let generated = '';
      let finishReason = 'stop';
      let usage: Usage | null = null;
      let failure: unknown = null;
      let accepted = true;
      for await (const part of streamReply(resolved.model, { ...options, abortSignal: abort.signal })) {
        if (part.type === 'text') {
          generated += part.text;
          write(chunk({ content: part.text }, null));
        } else if (part.type === 'finish') {
          finishReason = FINISH_REASONS[part.finishReason] ?? 'stop';
          usage = part.usage;
        } else {
          failure = abort.signal.aborted ? 'aborted' : part.error;
          accepted = part.accepted;
        }
      }
      const billed = await billedUsage({ accepted, reported: usage, promptTokens, text: generated });
      await settle(billed).catch((error: unknown) =>
        request.log.error({ err: error, reservationId }, 'could not settle an API reply; the sweeper will release it'),
      );
      if (failure && failure !== 'aborted') {
        const described = describeProviderError(failure, generated !== '', isUserProvided(resolved.endpoint));
        write({
          error: { message: described.message, type: 'server_error', param: null, code: described.code.toLowerCase() },
        });
      } else if (!abort.signal.aborted) {
        write(chunk({}, finishReason));
        if (body.stream_options?.include_usage && billed) {
          write({
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            choices: [],
            usage: {
              prompt_tokens: billed.inputTokens,
              completion_tokens: billed.outputTokens,
              total_tokens: billed.inputTokens + billed.outputTokens,
            },
          });
        }
      }
      write('[DONE]');
      reply.raw.end();
    },
  );
}
