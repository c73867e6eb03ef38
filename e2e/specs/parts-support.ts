import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import type { ChatEvent, Conversation, Message, MessagePart } from '@tessera/shared';
import { textOf } from '@tessera/shared/parts';

/**
 * A recorded reply that reasons, played to the browser in the server's event shapes (ChatEvent in
 * packages/shared/src/chat.ts: reasoning deltas at index 0, text at index 1, as the pipeline emits them).
 *
 * Why a recording: the fake LLM reports reasoning *tokens* but sends no reasoning *text*, so the real
 * server cannot produce a reasoning part yet. The first test of parts.spec.ts checks, against the real
 * server, that its events have the shapes this recording uses. Once the stand-in can reason, drive the
 * server with its directive instead and keep the assertions.
 *
 * Playwright's route.fulfill delivers a body in one piece, which would skip the streaming state; so the
 * recording is served by a small local server and the browser's request is continued to it, and the
 * response streams as the real one does.
 */

export const REASONING = [
  'The user asks why the sky is blue. The key is **Rayleigh scattering**:',
  '',
  '- sunlight holds every visible wavelength;',
  '- air molecules are far smaller than those wavelengths, so they scatter light in proportion to 1/λ⁴;',
  '- blue (~450 nm) is scattered about 5.5× more than red (~700 nm).',
  '',
  'Violet scatters even more, but the sun emits less of it and our eyes are less sensitive to it, so the sky looks blue. I should also explain sunsets briefly.',
].join('\n');

export const ANSWER = [
  'The sky is blue because of **Rayleigh scattering**: molecules in the air scatter short (blue) wavelengths of sunlight much more strongly than long (red) ones, so blue light reaches your eyes from every direction of the sky.',
  '',
  'At sunset the light crosses far more air, most of the blue is scattered away before it reaches you, and the reds and oranges remain.',
].join('\n');

/** A pause in the recording until the test calls `release()`. */
export const GATE = 'gate' as const;
type Step = ChatEvent | typeof GATE;

function chunks(text: string, words = 3): string[] {
  const tokens = text.split(/(?<=\s)/);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += words) out.push(tokens.slice(i, i + words).join(''));
  return out;
}

function iso(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString();
}

export interface Recording {
  conversation: Conversation;
  user: Message;
  /** The assistant message as saved at the end. */
  final: Message;
  steps: Step[];
}

/**
 * A new conversation whose reply is `parts`: text and reasoning arrive as deltas (a few words each), the
 * other kinds whole (`part` events), as the server streams them. `gateBefore`: pause before that part
 * until `release()`. `notice` adds the output-limit notice right after `start`.
 */
export function recordReply(
  question: string,
  parts: MessagePart[],
  options: { gateBefore?: number; notice?: { maxOutputTokens: number; requested: number }; title?: string } = {},
): Recording {
  const id = `rec-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const title = options.title ?? question;
  const conversation: Conversation = {
    id,
    title: 'New chat',
    endpoint: 'openai',
    model: 'gpt-4o-mini',
    systemPrompt: null,
    params: {},
    pinned: false,
    archived: false,
    temporary: false,
    currentLeafId: `${id}-a`,
    totalCost: 0,
    createdAt: iso(),
    updatedAt: iso(),
  };
  const base = {
    conversationId: id,
    error: null,
    endpoint: 'openai',
    model: 'gpt-4o-mini',
    usage: null,
    cost: null,
    finishReason: null,
    ttftMs: null,
    durationMs: null,
  };
  const user: Message = {
    ...base,
    id: `${id}-u`,
    parentId: null,
    role: 'user',
    content: question,
    parts: [{ type: 'text', text: question }],
    status: 'complete',
    createdAt: iso(),
  };
  const assistant: Message = {
    ...base,
    id: `${id}-a`,
    parentId: user.id,
    role: 'assistant',
    content: '',
    parts: [],
    status: 'streaming',
    createdAt: iso(1),
  };
  const final: Message = {
    ...assistant,
    content: textOf(parts),
    parts,
    status: 'complete',
    usage: { inputTokens: 14, outputTokens: 236, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 148 },
    cost: 146,
    finishReason: 'stop',
    ttftMs: 420,
    durationMs: 3900,
  };
  const steps: Step[] = [{ type: 'start', conversation, userMessage: user, assistantMessage: assistant }];
  if (options.notice) steps.push({ type: 'notice', code: 'OUTPUT_LIMIT_LOWERED', ...options.notice });
  parts.forEach((part, index) => {
    if (index === options.gateBefore) steps.push(GATE);
    if (part.type === 'text' || part.type === 'reasoning')
      for (const text of chunks(part.text)) steps.push({ type: 'delta', index, part: part.type, text });
    else steps.push({ type: 'part', index, part });
  });
  steps.push({ type: 'title', conversationId: id, title });
  steps.push({ type: 'done', message: final, balance: null });
  return { conversation: { ...conversation, title }, user, final, steps };
}

/** A reply that reasons (`REASONING`), waits at a gate, then answers (`ANSWER`). */
export function reasoningRecording(
  question: string,
  options: { notice?: { maxOutputTokens: number; requested: number } } = {},
): Recording {
  const parts: MessagePart[] = [
    { type: 'reasoning', text: REASONING },
    { type: 'text', text: ANSWER },
  ];
  return recordReply(question, parts, { ...options, gateBefore: 1, title: 'Why the sky is blue' });
}

export interface Player {
  /** Lets the recording go on past its gate. */
  release(): void;
  close(): Promise<void>;
}

function sse(event: ChatEvent): string {
  const { type, ...data } = event;
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Plays `steps` as the answer to the browser's next requests that `matches` (every `delayMs` one event;
 * at a GATE, until `release()`), and answers this conversation's GET and PATCH from the recording so
 * that nothing asks the real server about a conversation it does not have.
 */
export async function playRecording(
  page: Page,
  recording: { conversation: Conversation; messages: Message[]; steps: Step[] },
  options: { matches?: (method: string, path: string) => boolean; delayMs?: number } = {},
): Promise<Player> {
  const matches = options.matches ?? ((method, path) => method === 'POST' && path === '/api/chat');
  const delayMs = options.delayMs ?? 30;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    void (async () => {
      for (const step of recording.steps) {
        if (step === GATE) await gate;
        else {
          res.write(sse(step));
          await new Promise((r) => setTimeout(r, delayMs));
        }
      }
      res.end();
    })();
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  await page.route(
    (url) => url.pathname.startsWith('/api/'),
    async (route) => {
      const request = route.request();
      const path = new URL(request.url()).pathname;
      if (matches(request.method(), path)) return route.continue({ url: `http://127.0.0.1:${port}${path}` });
      if (path === `/api/conversations/${recording.conversation.id}`) {
        const body =
          request.method() === 'GET'
            ? { conversation: recording.conversation, messages: recording.messages }
            : recording.conversation;
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
      }
      return route.fallback();
    },
  );
  return {
    release: open,
    close: () =>
      new Promise<void>((resolve) => {
        open();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The reply's reasoning block (a <details>) and its summary line. */
export function reasoning(page: Page) {
  const block = page.getByTestId('reasoning-part');
  return { block, summary: block.locator('summary') };
}
