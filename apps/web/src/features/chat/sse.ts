import type { ChatEvent, ChatRequest } from '@tessera/shared';
import { createParser } from 'eventsource-parser';
import { ApiError, CLIENT_ERROR_CODES } from '../../lib/api.ts';

/** A refusal before any streaming began (e.g. 402 INSUFFICIENT_CREDITS), with the server's details. */
export class ChatRequestError extends ApiError {
  readonly balance: number | null;
  readonly required: number | null;
  /** The endpoint a PROVIDER_KEY_REQUIRED refusal is about. */
  readonly endpoint: string | null;
  constructor(init: {
    status: number;
    code: string;
    message: string;
    balance?: unknown;
    required?: unknown;
    endpoint?: unknown;
    details?: Record<string, unknown>;
  }) {
    super(init);
    this.balance = typeof init.balance === 'number' ? init.balance : null;
    this.required = typeof init.required === 'number' ? init.required : null;
    this.endpoint = typeof init.endpoint === 'string' ? init.endpoint : null;
  }
}

const EVENT_TYPES = new Set(['start', 'snapshot', 'delta', 'part', 'notice', 'done', 'error', 'title']);

async function readError(response: Response): Promise<ChatRequestError> {
  let payload: unknown;
  try {
    payload = await response.json();
  } catch {
    payload = undefined;
  }
  const error = (payload as { error?: Record<string, unknown> } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    return new ChatRequestError({
      status: response.status,
      code: error.code,
      message: typeof error.message === 'string' ? error.message : '',
      balance: error.balance,
      required: error.required,
      endpoint: error.endpoint,
      details: error,
    });
  }
  return new ChatRequestError({ status: response.status, code: CLIENT_ERROR_CODES.badResponse, message: '' });
}

/**
 * Reads a server-sent event stream from a fetch response (EventSource cannot POST).
 * Resolves when the stream ends; rejects with a ChatRequestError when the server refused up front.
 */
async function consume(response: Response, onEvent: (event: ChatEvent) => void): Promise<void> {
  if (!response.ok || !response.body) throw await readError(response);
  const parser = createParser({
    onEvent(message) {
      const type = message.event ?? 'message';
      if (!EVENT_TYPES.has(type)) return;
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(message.data) as Record<string, unknown>;
      } catch {
        return;
      }
      onEvent({ ...data, type } as ChatEvent);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
}

async function open(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', ...init });
  } catch (cause) {
    if (init.signal?.aborted) throw cause;
    throw new ChatRequestError({ status: 0, code: CLIENT_ERROR_CODES.network, message: '' });
  }
}

export async function postChat(body: ChatRequest, onEvent: (e: ChatEvent) => void, signal: AbortSignal) {
  const response = await open('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  });
  await consume(response, onEvent);
}

export async function resumeChat(messageId: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal) {
  const response = await open(`/api/chat/${encodeURIComponent(messageId)}/stream`, {
    headers: { accept: 'text/event-stream' },
    signal,
  });
  await consume(response, onEvent);
}
