import type { ErrorReply, Exchange } from './http.ts';
import { bearer, headerValue, jsonTemplate, namedEvent, randomId, sendGenerated, streamReply } from './http.ts';
import type { ChatProtocol, ErrorInfo } from './protocol.ts';
import { asNumber, asStrings, lastWithRole } from './protocol.ts';
import { textsOf } from './reply.ts';

/**
 * Anthropic Messages: POST /v1/messages with x-api-key (or Authorization: Bearer) and anthropic-version.
 * Stream: message_start (usage.input_tokens, cache_read_input_tokens, cache_creation_input_tokens),
 * content_block_start, ping, content_block_delta (text_delta)…, content_block_stop, message_delta (stop_reason
 * end_turn | max_tokens | stop_sequence, usage.output_tokens), message_stop. `input_tokens` excludes cached tokens.
 * Visible reasoning (extended thinking) comes first, as block 0 of type `thinking`: thinking_delta…, then a
 * signature_delta and its content_block_stop; the text is block 1. `output_tokens` includes the thinking.
 */
export const anthropic: ChatProtocol = {
  protocol: 'anthropic',
  requireKey: true,
  apiKey: (headers) => headerValue(headers, 'x-api-key') ?? bearer(headers),
  prompt: (body) => ({
    all: [...textsOf(body.system), ...textsOf(body.messages)],
    lastUser: textsOf(lastWithRole(body.messages, 'user')?.content).join('\n'),
  }),
  limits: (body) => ({ maxTokens: asNumber(body.max_tokens), stop: asStrings(body.stop_sequences) }),
  validate: (body, headers) => {
    if (headerValue(headers, 'anthropic-version') === null) return 'anthropic-version: header is required';
    if (asNumber(body.max_tokens) === undefined) return 'max_tokens: Field required';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
    return null;
  },
  error: anthropicError,
  respond,
};

function anthropicError(status: number, info: ErrorInfo): ErrorReply {
  const requestId = randomId('req_', 12);
  const headers: Record<string, string> = { 'request-id': requestId };
  const body = (type: string, message: string) => ({
    type: 'error',
    error: { type, message: info.message ?? message },
    request_id: requestId,
  });
  switch (status) {
    case 400:
      return { status, headers, body: body('invalid_request_error', 'Invalid request') };
    case 401:
      return {
        status,
        headers,
        body: body('authentication_error', info.missingKey ? 'x-api-key header is required' : 'invalid x-api-key'),
      };
    case 403:
      return {
        status,
        headers,
        body: body('permission_error', 'Your API key does not have permission to use the specified resource.'),
      };
    case 404:
      return { status, headers, body: body('not_found_error', `model: ${info.model}`) };
    case 429:
      return {
        status,
        headers: {
          ...headers,
          'retry-after': String(info.retryAfter),
          'x-should-retry': 'true',
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': new Date(Date.now() + info.retryAfter * 1000).toISOString(),
        },
        body: body(
          'rate_limit_error',
          'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
        ),
      };
    case 500:
      return {
        status,
        headers: { ...headers, 'x-should-retry': 'true' },
        body: body('api_error', 'Internal server error'),
      };
    case 529:
      return {
        status,
        headers: { ...headers, 'x-should-retry': 'true', 'retry-after': String(info.retryAfter) },
        body: body('overloaded_error', 'Overloaded'),
      };
    default:
      return { status, headers, body: body('api_error', `Fake error ${status}`) };
  }
}

async function respond(ex: Exchange) {
  const id = randomId('msg_01', 11);
  const stopReason =
    ex.plan.finish === 'length' ? 'max_tokens' : ex.plan.finish === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
  const headers = { 'request-id': randomId('req_', 12) };
  const thinking = ex.plan.thinking.pieces.length > 0;
  // Anthropic signs each thinking block so that it can be sent back; the fake's signature only has to look like one.
  const signature = Buffer.from(`fake-signature:${ex.plan.thinking.text.length}`).toString('base64');
  const textIndex = thinking ? 1 : 0;
  const inputUsage = {
    input_tokens: ex.promptTokens - ex.cachedTokens - ex.cacheWriteTokens,
    cache_creation_input_tokens: ex.cacheWriteTokens,
    cache_read_input_tokens: ex.cachedTokens,
  };

  if (!ex.stream) {
    return sendGenerated(
      ex,
      {
        id,
        type: 'message',
        role: 'assistant',
        model: ex.model,
        content: [
          ...(thinking ? [{ type: 'thinking', thinking: ex.plan.thinking.text, signature }] : []),
          ...(ex.plan.text === '' ? [] : [{ type: 'text', text: ex.plan.text }]),
        ],
        stop_reason: stopReason,
        stop_sequence: ex.plan.stopSequence,
        usage: { ...inputUsage, output_tokens: ex.plan.tokens + ex.reasoningTokens, service_tier: 'standard' },
      },
      headers,
    );
  }

  const event = (data: { type: string } & Record<string, unknown>) => namedEvent(data.type, data);
  const delta = jsonTemplate((hole) => ({
    type: 'content_block_delta',
    index: textIndex,
    delta: { type: 'text_delta', text: hole(0) },
  }));
  const thinkingDelta = jsonTemplate((hole) => ({
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'thinking_delta', thinking: hole(0) },
  }));
  const textStart = event({ type: 'content_block_start', index: textIndex, content_block: { type: 'text', text: '' } });
  return streamReply(ex, {
    contentType: 'text/event-stream; charset=utf-8',
    headers,
    start: [
      event({
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model: ex.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...inputUsage, output_tokens: 1, service_tier: 'standard' },
        },
      }),
      thinking
        ? event({
            type: 'content_block_start',
            index: 0,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          })
        : textStart,
      event({ type: 'ping' }),
    ],
    thinking: {
      token: (piece) => `event: content_block_delta\ndata: ${thinkingDelta(piece)}\n\n`,
      end: () => [
        event({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature } }),
        event({ type: 'content_block_stop', index: 0 }),
        textStart,
      ],
    },
    token: (piece) => `event: content_block_delta\ndata: ${delta(piece)}\n\n`,
    end: () => [
      event({ type: 'content_block_stop', index: textIndex }),
      event({
        type: 'message_delta',
        delta: { stop_reason: stopReason, stop_sequence: ex.plan.stopSequence },
        usage: { output_tokens: ex.plan.tokens + ex.reasoningTokens },
      }),
      event({ type: 'message_stop' }),
    ],
  });
}
