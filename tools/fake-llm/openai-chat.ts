import { randomUUID } from 'node:crypto';
import type { Exchange } from './http.ts';
import {
  bearer,
  dataEvent,
  headerValue,
  jsonTemplate,
  nowSeconds,
  randomId,
  sendGenerated,
  streamReply,
} from './http.ts';
import { azureError, openaiError } from './openai-errors.ts';
import type { ChatProtocol } from './protocol.ts';
import { asNumber, asStrings, isRecord, lastWithRole } from './protocol.ts';
import { textsOf } from './reply.ts';

/**
 * OpenAI Chat Completions: POST /v1/chat/completions (also the `openai-compatible` kind: Ollama, OpenRouter,
 * Groq…, and Azure's /openai/…/chat/completions). SSE `data: {chunk}` lines ending with `data: [DONE]`; usage
 * only when `stream_options.include_usage` is set, in an extra chunk with `choices: []`. Visible reasoning goes
 * first as `delta.reasoning_content` (`message.reasoning_content` unstreamed), as DeepSeek and vLLM send it and
 * @ai-sdk/openai-compatible reads it; OpenAI's own models never show theirs, so @ai-sdk/openai ignores it.
 */
function chatCompletions(flavour: 'openai' | 'azure'): ChatProtocol {
  return {
    protocol: flavour === 'azure' ? 'azure-chat' : 'openai-chat',
    // Local OpenAI-compatible servers (Ollama…) are called without a key, so OpenAI chat accepts none.
    requireKey: flavour === 'azure',
    apiKey: (headers) => (flavour === 'azure' ? (headerValue(headers, 'api-key') ?? bearer(headers)) : bearer(headers)),
    prompt: (body) => ({
      all: textsOf(body.messages),
      lastUser: textsOf(lastWithRole(body.messages, 'user')?.content).join('\n'),
    }),
    limits: (body) => ({
      maxTokens: asNumber(body.max_completion_tokens) ?? asNumber(body.max_tokens),
      stop: asStrings(body.stop),
    }),
    validate: (body) =>
      Array.isArray(body.messages) && body.messages.length > 0
        ? null
        : "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    error: flavour === 'azure' ? azureError : openaiError,
    respond: (ex) => respond(ex, flavour),
  };
}

export const openaiChat = chatCompletions('openai');
export const azureChat = chatCompletions('azure');

function usageOf(ex: Exchange) {
  return {
    prompt_tokens: ex.promptTokens,
    completion_tokens: ex.plan.tokens + ex.reasoningTokens,
    total_tokens: ex.promptTokens + ex.plan.tokens + ex.reasoningTokens,
    prompt_tokens_details: { cached_tokens: ex.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: ex.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const contentFilterResults = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

async function respond(ex: Exchange, flavour: 'openai' | 'azure') {
  const id = randomId('chatcmpl-', 14);
  const created = nowSeconds();
  const finishReason = ex.plan.finish === 'length' ? 'length' : 'stop';
  const azure = flavour === 'azure';
  const headers: Record<string, string> = azure
    ? { 'apim-request-id': randomUUID() }
    : { 'x-request-id': randomId('req_', 16) };

  if (!ex.stream) {
    return sendGenerated(
      ex,
      {
        id,
        object: 'chat.completion',
        created,
        model: ex.model,
        ...(azure && { prompt_filter_results: [{ prompt_index: 0, content_filter_results: contentFilterResults }] }),
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: ex.plan.text,
              ...(ex.plan.thinking.text !== '' && { reasoning_content: ex.plan.thinking.text }),
              refusal: null,
              annotations: [],
            },
            logprobs: null,
            finish_reason: finishReason,
            ...(azure && { content_filter_results: contentFilterResults }),
          },
        ],
        usage: usageOf(ex),
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      },
      headers,
    );
  }

  const streamOptions = isRecord(ex.body.stream_options) ? ex.body.stream_options : {};
  const includeUsage = streamOptions.include_usage === true;
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model: ex.model,
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
  const usageNull = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    dataEvent({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull });
  const tokenChunk = jsonTemplate((hole) => ({
    ...base,
    choices: [{ index: 0, delta: { content: hole(0) }, logprobs: null, finish_reason: null }],
    ...usageNull,
  }));
  const thinkingChunk = jsonTemplate((hole) => ({
    ...base,
    choices: [{ index: 0, delta: { content: null, reasoning_content: hole(0) }, logprobs: null, finish_reason: null }],
    ...usageNull,
  }));

  return streamReply(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    headers,
    start: [
      // Azure first sends the prompt's content-filter verdict in a chunk without choices.
      ...(azure
        ? [
            dataEvent({
              id: '',
              object: '',
              created: 0,
              model: '',
              choices: [],
              prompt_filter_results: [{ prompt_index: 0, content_filter_results: contentFilterResults }],
            }),
          ]
        : []),
      chunk({ role: 'assistant', content: '', refusal: null }, null),
    ],
    thinking: { token: (piece) => `data: ${thinkingChunk(piece)}\n\n`, end: () => [] },
    token: (piece) => `data: ${tokenChunk(piece)}\n\n`,
    end: () => [
      chunk({}, finishReason),
      ...(includeUsage ? [dataEvent({ ...base, choices: [], usage: usageOf(ex) })] : []),
      'data: [DONE]\n\n',
    ],
  });
}
