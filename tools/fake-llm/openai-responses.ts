import type { Exchange } from './http.ts';
import {
  bearer,
  headerValue,
  jsonTemplate,
  namedEvent,
  nowSeconds,
  randomId,
  sendGenerated,
  streamReply,
} from './http.ts';
import { azureError, openaiError } from './openai-errors.ts';
import type { ChatProtocol } from './protocol.ts';
import { asNumber, isRecord, lastWithRole } from './protocol.ts';
import { textsOf } from './reply.ts';

/**
 * OpenAI Responses: POST /v1/responses (what the AI SDK's `openai('model')` calls; Azure's /openai/…/responses).
 * Stream: response.created, response.in_progress, response.output_item.added, response.content_part.added,
 * response.output_text.delta…, response.output_text.done, response.content_part.done, response.output_item.done,
 * then response.completed — or response.incomplete (incomplete_details.reason max_output_tokens) when cut by
 * `max_output_tokens`. Visible reasoning is a reasoning summary: an output item of type `reasoning` before the
 * message (response.reasoning_summary_part.added, response.reasoning_summary_text.delta…, …text.done, …part.done,
 * response.output_item.done), the message then at output_index 1.
 */
function responses(flavour: 'openai' | 'azure'): ChatProtocol {
  return {
    protocol: flavour === 'azure' ? 'azure-responses' : 'openai-responses',
    requireKey: true,
    apiKey: (headers) => (flavour === 'azure' ? (headerValue(headers, 'api-key') ?? bearer(headers)) : bearer(headers)),
    prompt: (body) => ({
      all: [...textsOf(body.instructions), ...textsOf(body.input)],
      lastUser:
        typeof body.input === 'string' ? body.input : textsOf(lastWithRole(body.input, 'user')?.content).join('\n'),
    }),
    limits: (body) => ({ maxTokens: asNumber(body.max_output_tokens) }),
    validate: (body) => {
      const max = asNumber(body.max_output_tokens);
      if (max !== undefined && max < 16) {
        return `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${max} instead.`;
      }
      return body.input === undefined ? "Missing required parameter: 'input'." : null;
    },
    error: flavour === 'azure' ? azureError : openaiError,
    respond,
  };
}

export const openaiResponses = responses('openai');
export const azureResponses = responses('azure');

async function respond(ex: Exchange) {
  const id = randomId('resp_', 24);
  const itemId = randomId('msg_', 24);
  const reasoningId = randomId('rs_', 24);
  const thinking = ex.plan.thinking.pieces.length > 0;
  /** Where the message is in `output`: after the reasoning item, when there is one. */
  const messageIndex = thinking ? 1 : 0;
  const createdAt = nowSeconds();
  const incomplete = ex.plan.finish === 'length';
  const status = incomplete ? 'incomplete' : 'completed';
  const headers = { 'x-request-id': randomId('req_', 16) };

  const part = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });
  const item = (itemStatus: string, content: unknown[]) => ({
    id: itemId,
    type: 'message',
    status: itemStatus,
    content,
    role: 'assistant',
  });
  const summary = (text: string) => ({ type: 'summary_text', text });
  const reasoning = (summaryParts: unknown[]) => ({ id: reasoningId, type: 'reasoning', summary: summaryParts });
  const withReasoning = (output: unknown[]) =>
    thinking ? [reasoning([summary(ex.plan.thinking.text)]), ...output] : output;
  const usage = {
    input_tokens: ex.promptTokens,
    input_tokens_details: { cached_tokens: ex.cachedTokens },
    output_tokens: ex.plan.tokens + ex.reasoningTokens,
    output_tokens_details: { reasoning_tokens: ex.reasoningTokens },
    total_tokens: ex.promptTokens + ex.plan.tokens + ex.reasoningTokens,
  };
  const response = (responseStatus: string, output: unknown[], withUsage: boolean) => ({
    id,
    object: 'response',
    created_at: createdAt,
    status: responseStatus,
    background: false,
    error: null,
    incomplete_details: responseStatus === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: ex.body.instructions ?? null,
    max_output_tokens: ex.body.max_output_tokens ?? null,
    model: ex.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: ex.body.previous_response_id ?? null,
    reasoning: thinking ? { effort: 'medium', summary: 'auto' } : { effort: null, summary: null },
    service_tier: 'default',
    store: ex.body.store ?? true,
    temperature: ex.body.temperature ?? 1,
    text: isRecord(ex.body.text) ? ex.body.text : { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: ex.body.top_p ?? 1,
    truncation: 'disabled',
    usage: withUsage ? usage : null,
    user: null,
    metadata: {},
  });

  if (!ex.stream) {
    const output = ex.plan.tokens > 0 || !incomplete ? [item(status, [part(ex.plan.text)])] : [];
    return sendGenerated(ex, response(status, withReasoning(output), true), headers);
  }

  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    namedEvent(type, { type, sequence_number: sequence++, ...data });
  const where = { item_id: itemId, output_index: messageIndex, content_index: 0 };
  const summaryWhere = { item_id: reasoningId, output_index: 0, summary_index: 0 };
  const summaryDelta = jsonTemplate((hole) => ({
    type: 'response.reasoning_summary_text.delta',
    sequence_number: hole(0),
    ...summaryWhere,
    delta: hole(1),
  }));
  const messageStart = () => [
    event('response.output_item.added', { output_index: messageIndex, item: item('in_progress', []) }),
    event('response.content_part.added', { ...where, part: part('') }),
  ];
  const delta = jsonTemplate((hole) => ({
    type: 'response.output_text.delta',
    sequence_number: hole(0),
    ...where,
    delta: hole(1),
    logprobs: [],
  }));

  return streamReply(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    headers,
    start: [
      event('response.created', { response: response('in_progress', [], false) }),
      event('response.in_progress', { response: response('in_progress', [], false) }),
      ...(thinking
        ? [
            event('response.output_item.added', { output_index: 0, item: reasoning([]) }),
            event('response.reasoning_summary_part.added', { ...summaryWhere, part: summary('') }),
          ]
        : messageStart()),
    ],
    thinking: {
      token: (piece) => `event: response.reasoning_summary_text.delta\ndata: ${summaryDelta(sequence++, piece)}\n\n`,
      end: () => [
        event('response.reasoning_summary_text.done', { ...summaryWhere, text: ex.plan.thinking.text }),
        event('response.reasoning_summary_part.done', { ...summaryWhere, part: summary(ex.plan.thinking.text) }),
        event('response.output_item.done', { output_index: 0, item: reasoning([summary(ex.plan.thinking.text)]) }),
        ...messageStart(),
      ],
    },
    token: (piece) => `event: response.output_text.delta\ndata: ${delta(sequence++, piece)}\n\n`,
    end: () => {
      const done = item(status, [part(ex.plan.text)]);
      return [
        event('response.output_text.done', { ...where, text: ex.plan.text, logprobs: [] }),
        event('response.content_part.done', { ...where, part: part(ex.plan.text) }),
        event('response.output_item.done', { output_index: messageIndex, item: done }),
        event(incomplete ? 'response.incomplete' : 'response.completed', {
          response: response(status, withReasoning([done]), true),
        }),
      ];
    },
  });
}
