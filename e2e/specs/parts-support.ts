import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import type { ChatEvent, Conversation, Message, MessagePart } from '@tessera/shared';
import { textOf } from '@tessera/shared/parts';

/**
 * A recorded reply, played to the browser in the server's event shapes (ChatEvent in
 * packages/shared/src/chat.ts), for the part kinds the server does not produce yet (tool calls and
 * results, files, citations, error parts). parts.spec.ts checks the shapes against the real server.
 *
 * Playwright's route.fulfill delivers a body in one piece, which would skip the streaming state; so the
 * recording is served by a small local server and the browser's request is continued to it, and the
 * response streams as the real one does.
 */

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
  steps: ChatEvent[];
}

/**
 * A new conversation whose reply is `parts`: text and reasoning arrive as deltas (a few words each), the
 * other kinds whole (`part` events), as the server streams them.
 */
export function recordReply(question: string, parts: MessagePart[], options: { title?: string } = {}): Recording {
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
  const steps: ChatEvent[] = [{ type: 'start', conversation, userMessage: user, assistantMessage: assistant }];
  parts.forEach((part, index) => {
    if (part.type === 'text' || part.type === 'reasoning')
      for (const text of chunks(part.text)) steps.push({ type: 'delta', index, part: part.type, text });
    else steps.push({ type: 'part', index, part });
  });
  steps.push({ type: 'title', conversationId: id, title });
  steps.push({ type: 'done', message: final, balance: null });
  return { conversation: { ...conversation, title }, user, final, steps };
}

function sse(event: ChatEvent): string {
  const { type, ...data } = event;
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Plays the recording as the answer to the browser's POST /api/chat (one event every `delayMs`), and
 * answers this conversation's GET and PATCH from it, so that nothing asks the real server about a
 * conversation it does not have. Returns a function that stops the player.
 */
export async function playRecording(
  page: Page,
  recording: { conversation: Conversation; messages: Message[]; steps: ChatEvent[] },
  delayMs = 30,
): Promise<() => Promise<void>> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    void (async () => {
      for (const step of recording.steps) {
        res.write(sse(step));
        await new Promise((r) => setTimeout(r, delayMs));
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
      if (request.method() === 'POST' && path === '/api/chat')
        return route.continue({ url: `http://127.0.0.1:${port}${path}` });
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
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** The reply's reasoning block (a <details>) and its summary line. */
export function reasoning(page: Page) {
  const block = page.getByTestId('reasoning-part');
  return { block, summary: block.locator('summary') };
}
