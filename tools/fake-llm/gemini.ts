import type { ErrorReply, Exchange } from './http.ts';
import { headerValue, jsonTemplate, randomId, sendGenerated, streamReply } from './http.ts';
import type { ChatProtocol, ErrorInfo } from './protocol.ts';
import { asArray, asNumber, asStrings, isRecord } from './protocol.ts';
import { textsOf } from './reply.ts';

/**
 * Gemini (Generative Language API): POST /v1beta/models/{model}:generateContent and
 * :streamGenerateContent?alt=sse (without alt=sse: a streamed JSON array), key in x-goog-api-key or ?key=.
 * Each stream chunk: candidates[0].content.parts[0].text plus usageMetadata; a closing chunk carries
 * finishReason (STOP | MAX_TOKENS) and the full usageMetadata (promptTokenCount, candidatesTokenCount,
 * totalTokenCount, cachedContentTokenCount when cached). Visible reasoning (thought summaries) comes first, as
 * parts with `thought: true`, counted in `thoughtsTokenCount` and not in `candidatesTokenCount`.
 */
export const gemini: ChatProtocol = {
  protocol: 'gemini',
  requireKey: true,
  apiKey: (headers, query) => headerValue(headers, 'x-goog-api-key') ?? query.get('key'),
  prompt: (body) => ({
    all: [...textsOf(body.systemInstruction), ...textsOf(body.contents)],
    lastUser: textsOf(
      asArray(body.contents)
        .filter(isRecord)
        .findLast((c) => c.role === 'user' || c.role === undefined)?.parts,
    ).join('\n'),
  }),
  limits: (body) => {
    const config = isRecord(body.generationConfig) ? body.generationConfig : {};
    return { maxTokens: asNumber(config.maxOutputTokens), stop: asStrings(config.stopSequences) };
  },
  validate: (body) =>
    Array.isArray(body.contents) && body.contents.length > 0
      ? null
      : '* GenerateContentRequest.contents: contents is not specified\n',
  error: geminiError,
  respond,
};

function geminiError(status: number, info: ErrorInfo): ErrorReply {
  const body = (code: number, statusName: string, message: string, details?: unknown[]) => ({
    error: { code, message: info.message ?? message, status: statusName, ...(details && { details }) },
  });
  const headers = { 'content-type': 'application/json; charset=UTF-8' };
  switch (status) {
    case 400:
      // What the real API answers to an invalid key.
      return info.message !== undefined
        ? { status, headers, body: body(400, 'INVALID_ARGUMENT', info.message) }
        : {
            status,
            headers,
            body: body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: 'API_KEY_INVALID',
                domain: 'googleapis.com',
                metadata: { service: 'generativelanguage.googleapis.com' },
              },
            ]),
          };
    case 401:
      return {
        status,
        headers,
        body: body(
          401,
          'UNAUTHENTICATED',
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' }],
        ),
      };
    case 403:
      return {
        status,
        headers,
        body: body(
          403,
          'PERMISSION_DENIED',
          info.missingKey
            ? "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
            : 'The caller does not have permission',
        ),
      };
    case 404:
      return {
        status,
        headers,
        body: body(
          404,
          'NOT_FOUND',
          `models/${info.model} is not found for API version v1beta, or is not supported for generateContent.`,
        ),
      };
    case 429:
      return {
        status,
        headers,
        body: body(
          429,
          'RESOURCE_EXHAUSTED',
          `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${info.retryAfter}s.`,
          [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${info.retryAfter}s` }],
        ),
      };
    case 500:
      return {
        status,
        headers,
        body: body(
          500,
          'INTERNAL',
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        ),
      };
    case 503:
      return { status, headers, body: body(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') };
    default:
      return { status, headers, body: body(status, 'UNKNOWN', `Fake error ${status}`) };
  }
}

async function respond(ex: Exchange) {
  const responseId = randomId('', 11);
  const finishReason = ex.plan.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  const promptDetails = [{ modality: 'TEXT', tokenCount: ex.promptTokens }];
  const usage = {
    promptTokenCount: ex.promptTokens,
    candidatesTokenCount: ex.plan.tokens,
    ...(ex.reasoningTokens > 0 && { thoughtsTokenCount: ex.reasoningTokens }),
    totalTokenCount: ex.promptTokens + ex.plan.tokens + ex.reasoningTokens,
    ...(ex.cachedTokens > 0 && {
      cachedContentTokenCount: ex.cachedTokens,
      cacheTokensDetails: [{ modality: 'TEXT', tokenCount: ex.cachedTokens }],
    }),
    promptTokensDetails: promptDetails,
  };
  const chunk = (text: string, final: boolean, thought = false) => ({
    candidates: [
      {
        content: { parts: [{ text, ...(thought && { thought: true }) }], role: 'model' },
        ...(final && { finishReason }),
        index: 0,
      },
    ],
    usageMetadata: final
      ? usage
      : { promptTokenCount: ex.promptTokens, totalTokenCount: ex.promptTokens, promptTokensDetails: promptDetails },
    modelVersion: ex.model,
    responseId,
  });

  if (!ex.stream) {
    const answer = chunk(ex.plan.text, true);
    if (ex.plan.thinking.text !== '') {
      answer.candidates[0]!.content.parts.unshift({ text: ex.plan.thinking.text, thought: true });
    }
    return sendGenerated(ex, answer);
  }
  const tokenChunk = jsonTemplate((hole) => chunk(hole(0), false));
  const thoughtChunk = jsonTemplate((hole) => chunk(hole(0), false, true));
  const streamed = ex.plan.thinking.pieces.length + ex.plan.pieces.length;

  if (ex.query.get('alt') === 'sse') {
    const event = (data: unknown) => `data: ${JSON.stringify(data)}\r\n\r\n`;
    return streamReply(ex, {
      contentType: 'text/event-stream',
      start: [],
      thinking: { token: (piece) => `data: ${thoughtChunk(piece)}\r\n\r\n`, end: () => [] },
      token: (piece) => `data: ${tokenChunk(piece)}\r\n\r\n`,
      end: () => [event(chunk('', true))],
    });
  }
  // Without alt=sse the API streams one JSON array, element by element.
  return streamReply(ex, {
    contentType: 'application/json; charset=UTF-8',
    start: ['['],
    thinking: { token: (piece, i) => `${i === 0 ? '' : ',\r\n'}${thoughtChunk(piece)}`, end: () => [] },
    token: (piece, i) => `${i === 0 ? '' : ',\r\n'}${tokenChunk(piece)}`,
    end: () => [`${streamed === 0 ? '' : ',\r\n'}${JSON.stringify(chunk('', true))}]`],
  });
}
