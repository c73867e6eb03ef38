import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatEvent } from '@tessera/shared';

const HEARTBEAT_MS = 15_000;

export interface SseStream {
  send(event: ChatEvent): void;
  end(): void;
  /** Resolves when the client goes away or the stream is ended. */
  closed: Promise<void>;
}

/** Takes over the response and speaks server-sent events on it. */
export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  let open = true;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const finish = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    resolveClosed();
  };
  // The response's close (not the request's) says the client is gone; a write racing a
  // disconnect must not become an unhandled 'error' event.
  raw.on('close', finish);
  raw.on('error', finish);
  // Events arriving in the same tick go out in one write instead of one syscall each, and the
  // deltas to one part among them as one `delta` event: a provider's network read often carries many
  // tokens, and clients only append delta text. Under load this saves most of the per-token JSON and
  // SSE work here and in the browser; a lone token still goes out at once.
  let corked = false;
  let pending: Extract<ChatEvent, { type: 'delta' }> | null = null;
  const writeEvent = (event: ChatEvent) => raw.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  const flushDeltas = () => {
    if (pending === null) return;
    const delta = pending;
    pending = null;
    writeEvent(delta);
  };
  const uncork = () => {
    corked = false;
    if (open) flushDeltas();
    else pending = null;
    raw.uncork();
  };
  return {
    send(event) {
      if (!open) return;
      if (!corked) {
        corked = true;
        raw.cork();
        process.nextTick(uncork);
      }
      if (event.type === 'delta') {
        if (pending && pending.index === event.index) {
          pending.text += event.text;
          return;
        }
        flushDeltas();
        pending = { ...event };
        return;
      }
      flushDeltas();
      writeEvent(event);
    },
    end() {
      if (!open) return;
      flushDeltas();
      finish();
      raw.end();
    },
    closed,
  };
}
