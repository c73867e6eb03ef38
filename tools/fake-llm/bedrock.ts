import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { ErrorReply, Exchange } from './http.ts';
import { bearer, headerValue, jsonTemplate, sendGenerated, streamReply } from './http.ts';
import type { ChatProtocol, ErrorInfo } from './protocol.ts';
import { asNumber, asStrings, isRecord, lastWithRole } from './protocol.ts';
import { textsOf } from './reply.ts';

/**
 * AWS Bedrock Converse: POST /model/{modelId}/converse and /model/{modelId}/converse-stream. Any SigV4 signature
 * (or `Authorization: Bearer <api key>`) is accepted; the Authorization header itself is required. The stream is
 * application/vnd.amazon.eventstream: messageStart, contentBlockDelta…, contentBlockStop, messageStop
 * (stopReason end_turn | max_tokens | stop_sequence), metadata (usage, metrics). `inputTokens` excludes cache reads.
 * Visible reasoning is content block 0 (`delta.reasoningContent.text`…, then its signature and contentBlockStop);
 * the text is block 1 then.
 */
export const bedrock: ChatProtocol = {
  protocol: 'bedrock',
  requireKey: true,
  apiKey: (headers) => {
    const auth = headerValue(headers, 'authorization');
    if (auth === null) return null;
    return /Credential=([^/,\s]+)/.exec(auth)?.[1] ?? bearer(headers) ?? auth;
  },
  prompt: (body) => ({
    all: [...textsOf(body.system), ...textsOf(body.messages)],
    lastUser: textsOf(lastWithRole(body.messages, 'user')?.content).join('\n'),
  }),
  limits: (body) => {
    const config = isRecord(body.inferenceConfig) ? body.inferenceConfig : {};
    return { maxTokens: asNumber(config.maxTokens), stop: asStrings(config.stopSequences) };
  },
  validate: (body) =>
    Array.isArray(body.messages) && body.messages.length > 0
      ? null
      : 'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
  error: bedrockError,
  respond,
};

function bedrockError(status: number, info: ErrorInfo): ErrorReply {
  const reply = (type: string, message: string): ErrorReply => ({
    status,
    headers: {
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    },
    body: { message: info.message ?? message },
  });
  switch (status) {
    case 400:
      return reply('ValidationException', 'Malformed input request, please reformat your input and try again.');
    case 401:
      return reply('UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 403:
      return info.missingKey
        ? reply('MissingAuthenticationTokenException', 'Missing Authentication Token')
        : reply('AccessDeniedException', "You don't have access to the model with the specified model ID.");
    case 404:
      return reply(
        'ResourceNotFoundException',
        'Could not resolve the foundation model from the provided model identifier.',
      );
    case 429:
      return reply('ThrottlingException', 'Too many requests, please wait before trying again.');
    case 500:
      return reply(
        'InternalServerException',
        'The system encountered an unexpected error during processing. Try your request again.',
      );
    case 503:
      return reply('ServiceUnavailableException', 'Bedrock is unable to process your request.');
    default:
      return reply('InternalServerException', `Fake error ${status}`);
  }
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

const eventHeaders = (eventType: string) => ({
  ':event-type': { type: 'string' as const, value: eventType },
  ':content-type': { type: 'string' as const, value: 'application/json' },
  ':message-type': { type: 'string' as const, value: 'event' },
});

/** One event-stream frame, as Bedrock sends it, encoded by @smithy/eventstream-codec. */
export function eventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({ headers: eventHeaders(eventType), body: fromUtf8(JSON.stringify(payload)) });
}

/**
 * The same encoding for the per-token contentBlockDelta frames without the codec's per-frame overhead (it is
 * ~10x slower, which would cap a throughput benchmark): constant pre-encoded headers, zlib's native CRC32.
 * The test suite checks that it is byte-identical to the codec's output.
 */
const deltaHeaders = codec
  .encode({ headers: eventHeaders('contentBlockDelta'), body: new Uint8Array(0) })
  .subarray(12, -4);
const deltaPayload = jsonTemplate((hole) => ({ contentBlockIndex: hole(1), delta: { text: hole(0) } }));

export function deltaFrame(text: string, contentBlockIndex = 0): Uint8Array {
  const payload = Buffer.from(deltaPayload(text, contentBlockIndex));
  const total = 12 + deltaHeaders.length + payload.length + 4;
  const frame = Buffer.allocUnsafe(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(deltaHeaders.length, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  frame.set(deltaHeaders, 12);
  payload.copy(frame, 12 + deltaHeaders.length);
  frame.writeUInt32BE(crc32(frame.subarray(0, total - 4)), total - 4);
  return frame;
}

async function respond(ex: Exchange) {
  const started = ex.clock.now();
  const thinking = ex.plan.thinking.pieces.length > 0;
  const textIndex = thinking ? 1 : 0;
  const signature = Buffer.from(`fake-signature:${ex.plan.thinking.text.length}`).toString('base64');
  const stopReason =
    ex.plan.finish === 'length' ? 'max_tokens' : ex.plan.finish === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
  const headers = { 'x-amzn-requestid': randomUUID() };
  const usage = () => ({
    inputTokens: ex.promptTokens - ex.cachedTokens - ex.cacheWriteTokens,
    outputTokens: ex.plan.tokens + ex.reasoningTokens,
    totalTokens: ex.promptTokens + ex.plan.tokens + ex.reasoningTokens,
    ...((ex.cachedTokens > 0 || ex.cacheWriteTokens > 0) && {
      cacheReadInputTokens: ex.cachedTokens,
      cacheWriteInputTokens: ex.cacheWriteTokens,
    }),
  });
  const latencyMs = () => Math.round(ex.clock.now() - started);

  if (!ex.stream) {
    const { firstTokenDelayMs, delayMs } = ex.behaviour;
    return sendGenerated(
      ex,
      {
        metrics: {
          latencyMs: Math.round(firstTokenDelayMs + (ex.plan.thinking.pieces.length + ex.plan.pieces.length) * delayMs),
        },
        output: {
          message: {
            role: 'assistant',
            content: [
              ...(thinking
                ? [{ reasoningContent: { reasoningText: { text: ex.plan.thinking.text, signature } } }]
                : []),
              ...(ex.plan.text === '' ? [] : [{ text: ex.plan.text }]),
            ],
          },
        },
        stopReason,
        usage: usage(),
      },
      headers,
    );
  }

  return streamReply(ex, {
    contentType: 'application/vnd.amazon.eventstream',
    headers,
    start: [eventFrame('messageStart', { role: 'assistant' })],
    thinking: {
      token: (text) => eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text } } }),
      end: () => [
        eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature } } }),
        eventFrame('contentBlockStop', { contentBlockIndex: 0 }),
      ],
    },
    token: (piece) => deltaFrame(piece, textIndex),
    end: () => [
      eventFrame('contentBlockStop', { contentBlockIndex: textIndex }),
      eventFrame('messageStop', {
        stopReason,
        // Anthropic models report the matched stop sequence when the request asks for that field.
        ...(ex.plan.stopSequence !== null &&
          asStrings(ex.body.additionalModelResponseFieldPaths).includes('/delta/stop_sequence') && {
            additionalModelResponseFields: { delta: { stop_sequence: ex.plan.stopSequence } },
          }),
      }),
      eventFrame('metadata', { usage: usage(), metrics: { latencyMs: latencyMs() } }),
    ],
  });
}
