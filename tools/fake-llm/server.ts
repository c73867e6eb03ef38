import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropic } from './anthropic.ts';
import { bedrock } from './bedrock.ts';
import type { Behaviour } from './behaviour.ts';
import { DEFAULT_BEHAVIOUR, DirectiveError, resolveBehaviour } from './behaviour.ts';
import { gemini } from './gemini.ts';
import type { Exchange, FakeClock, RecordedRequest } from './http.ts';
import { realClock, sendError, sendJson } from './http.ts';
import type { ModelListBehaviour } from './models.ts';
import { DEFAULT_MODEL_LIST_BEHAVIOUR, DEFAULT_MODELS, modelListRequest } from './models.ts';
import { azureChat, openaiChat } from './openai-chat.ts';
import { azureResponses, openaiResponses } from './openai-responses.ts';
import type { ChatProtocol } from './protocol.ts';
import { isRecord } from './protocol.ts';
import { planReply, promptTokens } from './reply.ts';

export type { Behaviour } from './behaviour.ts';
export { DEFAULT_BEHAVIOUR, parseDirectives } from './behaviour.ts';
export type { FakeClock, Protocol, RecordedRequest } from './http.ts';
export type { ModelListBehaviour } from './models.ts';

export interface FakeLlmOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Server-wide behaviour; directives in a request's last user message override it per request. */
  defaults?: Partial<Behaviour>;
  /** Model ids listed by the model-list endpoints (default gpt-4o-mini, gpt-4.1, fake-model). Chat accepts any id. */
  models?: string[];
  /** How the model-list endpoints answer: `{ fail: 500 }`, `{ delayMs: 10_000 }` (default: at once, 200). */
  modelList?: Partial<ModelListBehaviour>;
  /** The time replies are paced by (delayMs, firstTokenDelayMs); a test's own clock checks pacing without waiting. */
  clock?: FakeClock;
}

export interface FakeLlm {
  /** http://127.0.0.1:PORT — use `${url}/v1` for OpenAI, OpenAI-compatible and Anthropic base URLs, `${url}/v1beta`
   * for Google, `${url}/openai` for Azure and `url` itself for Bedrock. */
  url: string;
  /** Every request received, in order (including rejected ones). */
  requests: RecordedRequest[];
  /** The live server-wide behaviour; mutate it to change the defaults for later requests. */
  defaults: Behaviour;
  /** The live behaviour of the model-list endpoints; mutate it to make later listings fail or hang. */
  modelList: ModelListBehaviour;
  /** Forget recorded requests and `failTimes` counts, restart the reply counter and restore the initial defaults. */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  handler: ChatProtocol;
  model: string | null;
  stream: boolean | null;
  /** Azure deployment URLs must carry ?api-version=. */
  needsApiVersion?: boolean;
}

function route(method: string, path: string): Route | null {
  if (method !== 'POST') return null;
  let m: RegExpExecArray | null;
  if ((m = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|responses)$/.exec(path))) {
    const handler = m[2] === 'responses' ? azureResponses : azureChat;
    return { handler, model: decodeURIComponent(m[1]!), stream: null, needsApiVersion: true };
  }
  if (path.endsWith('/chat/completions')) {
    return { handler: path.startsWith('/openai/') ? azureChat : openaiChat, model: null, stream: null };
  }
  if (path.endsWith('/responses')) {
    return { handler: path.startsWith('/openai/') ? azureResponses : openaiResponses, model: null, stream: null };
  }
  if (path.endsWith('/messages')) return { handler: anthropic, model: null, stream: null };
  if ((m = /\/(?:models\/)?([^/]+):(generateContent|streamGenerateContent)$/.exec(path))) {
    return { handler: gemini, model: decodeURIComponent(m[1]!), stream: m[2] === 'streamGenerateContent' };
  }
  if ((m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path))) {
    return { handler: bedrock, model: decodeURIComponent(m[1]!), stream: m[2] === 'converse-stream' };
  }
  return null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const initialDefaults: Behaviour = { ...DEFAULT_BEHAVIOUR, ...options.defaults };
  const models = options.models ?? DEFAULT_MODELS;
  const requests: RecordedRequest[] = [];
  const defaults: Behaviour = { ...initialDefaults };
  const initialModelList: ModelListBehaviour = { ...DEFAULT_MODEL_LIST_BEHAVIOUR, ...options.modelList };
  const modelList: ModelListBehaviour = { ...initialModelList };
  const clock = options.clock ?? realClock;
  let counter = 0;
  /** Failures served so far per request (protocol, model, last user message), for `failTimes`. */
  const failures = new Map<string, number>();

  /** Whether this request fails: always with `fail`, or only its first `failTimes` times. */
  function fails(behaviour: Behaviour, key: string): boolean {
    if (behaviour.fail === null) return false;
    if (behaviour.failTimes === null) return true;
    const served = failures.get(key) ?? 0;
    if (served >= behaviour.failTimes) return false;
    failures.set(key, served + 1);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake-llm');
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: unknown = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      protocol: 'unknown',
      model: null,
      stream: false,
      apiKey: null,
      behaviour: null,
      promptTokens: null,
      reply: null,
      status: 0,
    };
    requests.push(record);

    if (method === 'GET') {
      const listing = modelListRequest(url.pathname, url.searchParams, req.headers);
      if (listing) {
        record.protocol = 'models';
        record.apiKey = listing.apiKey;
        const behaviour = { ...modelList };
        if (behaviour.delayMs > 0) {
          // Give up waiting as soon as the client does (a timed-out fetch, or close()).
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, behaviour.delayMs);
            res.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
          });
          if (res.destroyed || res.writableEnded) return;
        }
        const answer = listing.answer(models, behaviour);
        return sendJson(res, record, answer.status, answer.body, answer.headers);
      }
    }
    const matched = route(method, url.pathname);
    if (!matched) {
      return sendJson(res, record, 404, {
        error: { message: `fake-llm: no route for ${method} ${url.pathname}`, type: 'invalid_request_error' },
      });
    }

    const { handler } = matched;
    const json = isRecord(body) ? body : {};
    const model = matched.model ?? (typeof json.model === 'string' ? json.model : '');
    record.protocol = handler.protocol;
    record.model = model;
    record.stream = matched.stream ?? json.stream === true;
    record.apiKey = handler.apiKey(req.headers, url.searchParams);
    const apiVersion = url.searchParams.get('api-version');
    const info = { model, retryAfter: defaults.retryAfter, apiKey: record.apiKey, apiVersion };

    if (matched.needsApiVersion && apiVersion === null) return sendError(res, record, handler.error(404, info));
    if (record.apiKey === null && handler.requireKey) {
      const status = handler.protocol === 'gemini' || handler.protocol === 'bedrock' ? 403 : 401;
      return sendError(res, record, handler.error(status, { ...info, missingKey: true }));
    }
    if (record.apiKey === 'bad-key') return sendError(res, record, handler.error(401, info));
    if (badJson || !isRecord(body)) {
      return sendError(
        res,
        record,
        handler.error(400, { ...info, message: 'fake-llm: the body is not a JSON object' }),
      );
    }
    const invalid = handler.validate(json, req.headers);
    if (invalid !== null) return sendError(res, record, handler.error(400, { ...info, message: invalid }));

    const prompt = handler.prompt(json);
    let behaviour: Behaviour;
    try {
      behaviour = resolveBehaviour(defaults, prompt.lastUser);
    } catch (error) {
      if (!(error instanceof DirectiveError)) throw error;
      return sendError(res, record, handler.error(400, { ...info, message: error.message }));
    }
    const tokens = promptTokens(prompt.all);
    record.promptTokens = tokens;
    if (fails(behaviour, `${handler.protocol}\u0000${model}\u0000${prompt.lastUser}`)) {
      record.behaviour = behaviour;
      return sendError(res, record, handler.error(behaviour.fail!, { ...info, retryAfter: behaviour.retryAfter }));
    }
    // The behaviour it was answered with: a request past its `failTimes` did not fail.
    behaviour = { ...behaviour, fail: null };
    record.behaviour = behaviour;

    const plan = planReply(behaviour, behaviour.seed ?? ++counter, handler.limits(json));
    record.reply = { text: plan.text, tokens: plan.tokens, finish: plan.finish, thinking: plan.thinking.text };
    const exchange: Exchange = {
      req,
      res,
      record,
      body: json,
      model,
      behaviour,
      plan,
      promptTokens: tokens,
      cachedTokens: Math.min(Math.floor(behaviour.cached), tokens),
      cacheWriteTokens: Math.min(
        Math.floor(behaviour.cacheWrite),
        tokens - Math.min(Math.floor(behaviour.cached), tokens),
      ),
      // Visible reasoning counts as reasoning, like the hidden kind.
      reasoningTokens: Math.floor(behaviour.reasoning) + plan.thinking.tokens,
      stream: record.stream,
      query: url.searchParams,
      clock,
    };
    await handler.respond(exchange);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake-llm: request failed', error);
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `fake-llm internal error: ${String(error)}` } }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requests,
    defaults,
    modelList,
    reset() {
      requests.length = 0;
      counter = 0;
      failures.clear();
      Object.assign(defaults, initialDefaults);
      Object.assign(modelList, initialModelList);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
