import { randomBytes } from 'node:crypto';
import { setTimeout as setTimeoutPromise } from 'node:timers/promises';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Behaviour } from './behaviour.ts';
import type { ReplyPlan } from './reply.ts';

export type Protocol =
  | 'openai-chat'
  | 'openai-responses'
  | 'azure-chat'
  | 'azure-responses'
  | 'anthropic'
  | 'gemini'
  | 'bedrock'
  | 'models'
  | 'unknown';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when there was none). */
  body: unknown;
  protocol: Protocol;
  /** Model / deployment id from the body or the URL; null for non-model endpoints. */
  model: string | null;
  stream: boolean;
  /** The API key / access key id the client sent, if any. */
  apiKey: string | null;
  /** Effective behaviour (defaults + directive); null when the request never got that far. */
  behaviour: Behaviour | null;
  promptTokens: number | null;
  /**
   * The reply as planned (after max-token / stop cuts), with the visible reasoning streamed before it ('' for
   * none); null for errors and non-chat endpoints.
   */
  reply: { text: string; tokens: number; finish: ReplyPlan['finish']; thinking: string } | null;
  /** HTTP status sent (0 until the head is written). */
  status: number;
}

/**
 * The time the fake paces its replies by. Tests can pass their own (`startFakeLlm({ clock })`) and move it by
 * hand, so that pacing is checked without waiting for it.
 */
export interface FakeClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves once `ms` have passed on this clock; may stop waiting (resolve or reject) when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: FakeClock = {
  now: () => performance.now(),
  sleep: (ms, signal) => setTimeoutPromise(ms, undefined, { signal }),
};

/** Everything a protocol handler needs to answer one chat request. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  record: RecordedRequest;
  body: Record<string, unknown>;
  model: string;
  behaviour: Behaviour;
  plan: ReplyPlan;
  promptTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the prompt cache (neither cached nor plain input). */
  cacheWriteTokens: number;
  /** Hidden reasoning tokens, counted in the output. */
  reasoningTokens: number;
  stream: boolean;
  /** Query parameters (Gemini's alt=sse). */
  query: URLSearchParams;
  clock: FakeClock;
}

/** A provider error: status, extra headers and the provider's JSON body. */
export interface ErrorReply {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const randomId = (prefix: string, bytes = 12) => `${prefix}${randomBytes(bytes).toString('hex')}`;

export function writeHead(
  res: ServerResponse,
  record: RecordedRequest,
  status: number,
  headers: Record<string, string>,
) {
  record.status = status;
  res.writeHead(status, headers);
}

export function sendJson(
  res: ServerResponse,
  record: RecordedRequest,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const data = Buffer.from(JSON.stringify(body));
  writeHead(res, record, status, {
    'content-type': 'application/json',
    'content-length': String(data.length),
    ...headers,
  });
  res.end(data);
}

export function sendError(res: ServerResponse, record: RecordedRequest, error: ErrorReply) {
  sendJson(res, record, error.status, error.body, error.headers);
}

/**
 * Wait until `due` (a time on the exchange's clock), or until the client goes away. Returns false if it went away
 * (the wait ends then, so a long delay does not outlive its connection).
 */
async function waitUntil(ex: Exchange, due: number): Promise<boolean> {
  const { res, clock } = ex;
  const wait = due - clock.now();
  if (wait >= 1 && !res.destroyed) {
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    try {
      await clock.sleep(wait, gone.signal);
    } catch {
      // Aborted: the client went away.
    } finally {
      res.off('close', onClose);
    }
  }
  return !res.destroyed;
}

/** Every token a reply streams: its visible reasoning's, then its answer's. */
const streamedTokens = (plan: ReplyPlan) => plan.thinking.pieces.length + plan.pieces.length;

/** Non-streaming answer: wait as long as generating the reply would take (or cut the connection), then reply. */
export async function sendGenerated(ex: Exchange, body: unknown, headers: Record<string, string> = {}) {
  const { behaviour, plan, res } = ex;
  const start = ex.clock.now();
  const data = Buffer.from(JSON.stringify(body));
  const total = streamedTokens(plan);
  const cut = behaviour.cutAfter !== null && behaviour.cutAfter <= total ? behaviour.cutAfter : null;
  const tokens = cut ?? total;
  if (!(await waitUntil(ex, start + behaviour.firstTokenDelayMs + tokens * behaviour.delayMs))) return;
  const head = { 'content-type': 'application/json', 'content-length': String(data.length), ...headers };
  if (cut !== null) {
    // Promise the whole body, deliver half of it, then drop the connection.
    writeHead(res, ex.record, 200, head);
    res.write(data.subarray(0, Math.floor(data.length / 2)), () => res.destroy());
    return;
  }
  writeHead(res, ex.record, 200, head);
  res.end(data);
}

export type Chunk = string | Uint8Array;

export interface StreamSpec {
  contentType: string;
  headers?: Record<string, string>;
  /** Events sent immediately (before the first-token delay). */
  start: Chunk[];
  /**
   * The protocol's wire form of visible reasoning, used when the plan has some: the event carrying one piece of it,
   * and the events between its last piece and the answer's first (closing the reasoning, opening the answer).
   */
  thinking: { token: (piece: string, index: number) => Chunk; end: () => Chunk[] };
  /** The event carrying one piece of the reply; `index` counts every streamed token, reasoning included. */
  token: (piece: string, index: number) => Chunk;
  /** Events after the last token (skipped when the stream is cut). */
  end: () => Chunk[];
}

const FLUSH_BYTES = 256 * 1024;

/**
 * Stream a reply: preamble at once, then one event per token — the visible reasoning's, then the answer's — paced
 * by delayMs/firstTokenDelayMs (deadline-based, so timer jitter does not accumulate), then the closing events.
 * With no delay the events are batched into large writes (respecting backpressure). `cutAfter` destroys the socket
 * after that many tokens (reasoning tokens count).
 */
export async function streamReply(ex: Exchange, spec: StreamSpec): Promise<void> {
  const { res, behaviour, plan } = ex;
  const start = ex.clock.now();
  let pending: Chunk[] = [];
  let pendingBytes = 0;
  let lastWrite: Promise<void> = Promise.resolve();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));

  const push = (chunk: Chunk) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const data = pending.every((c) => typeof c === 'string')
      ? pending.join('')
      : Buffer.concat(pending.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    pending = [];
    pendingBytes = 0;
    let ok = true;
    lastWrite = new Promise<void>((resolve) => {
      ok = res.write(data, () => resolve());
    });
    if (!ok && !res.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };
  const cut = async () => {
    // Let what was written reach the client first, then drop the connection without the closing events.
    await flush();
    await Promise.race([lastWrite, closed]);
    res.destroy();
  };

  writeHead(res, ex.record, 200, {
    'content-type': spec.contentType,
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...spec.headers,
  });
  res.flushHeaders();
  for (const chunk of spec.start) push(chunk);
  await flush();

  const thinking = plan.thinking.pieces;
  const tokens = [
    ...thinking.map((piece) => ({ piece, event: spec.thinking.token })),
    ...plan.pieces.map((piece) => ({ piece, event: spec.token })),
  ];
  for (let i = 0; i < tokens.length; i++) {
    if (behaviour.cutAfter !== null && i >= behaviour.cutAfter) return cut();
    const due = start + behaviour.firstTokenDelayMs + (i + 1) * behaviour.delayMs;
    if (due - ex.clock.now() >= 1) {
      await flush();
      if (!(await waitUntil(ex, due))) return;
    }
    if (res.destroyed) return;
    const { piece, event } = tokens[i]!;
    push(event(piece, i));
    if (i === thinking.length - 1) for (const chunk of spec.thinking.end()) push(chunk);
    if (pendingBytes >= FLUSH_BYTES) await flush();
  }
  if (behaviour.cutAfter !== null && behaviour.cutAfter <= tokens.length) return cut();
  if (tokens.length === 0) {
    await flush();
    if (!(await waitUntil(ex, start + behaviour.firstTokenDelayMs))) return;
  }
  for (const chunk of spec.end()) push(chunk);
  await flush();
  res.end();
}

/**
 * Pre-render a JSON document with holes, for the per-token events (JSON.stringify of a whole event per token
 * costs ~20x more): `const t = jsonTemplate((hole) => ({ delta: { text: hole(0) } }))` then `t('piece')`.
 */
export function jsonTemplate(shape: (hole: (index: number) => string) => unknown): (...values: unknown[]) => string {
  const parts = JSON.stringify(shape((index) => `\u0000hole${index}\u0000`)).split(/"\\u0000hole(\d+)\\u0000"/);
  return (...values) => {
    let out = parts[0]!;
    for (let k = 1; k < parts.length; k += 2) out += JSON.stringify(values[Number(parts[k])]) + parts[k + 1]!;
    return out;
  };
}

/** Server-sent event with an `event:` line (Anthropic, OpenAI Responses). */
export const namedEvent = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
/** Server-sent event with only a `data:` line (OpenAI Chat Completions). */
export const dataEvent = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function bearer(headers: IncomingHttpHeaders): string | null {
  const auth = headerValue(headers, 'authorization');
  const match = auth === null ? null : /^Bearer\s+(.+)$/i.exec(auth);
  return match?.[1]?.trim() ?? null;
}
