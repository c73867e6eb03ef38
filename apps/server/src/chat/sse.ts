import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChatEvent } from '@tessera/shared';
import { openEventStream } from '../http/event-stream.ts';

export interface SseStream {
  send(event: ChatEvent): void;
  end(): void;
  /** Resolves when the client goes away or the stream is ended. */
  closed: Promise<void>;
}

/** Takes over the response and sends a reply's events on it. */
export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  const stream = openEventStream(request, reply);
  // Events arriving in the same tick go out in one write instead of one syscall each, and the
  // deltas to one part among them as one `delta` event: a provider's network read often carries many
  // tokens, and clients only append delta text. Under load this saves most of the per-token JSON and
  // SSE work here and in the browser; a lone token still goes out at once.
  let corked = false;
  let pending: Extract<ChatEvent, { type: 'delta' }> | null = null;
  const writeEvent = (event: ChatEvent) => stream.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  const flushDeltas = () => {
    if (pending === null) return;
    const delta = pending;
    pending = null;
    writeEvent(delta);
  };
  const uncork = () => {
    corked = false;
    if (stream.open) flushDeltas();
    else pending = null;
    stream.uncork();
  };
  return {
    send(event) {
      if (!stream.open) return;
      if (!corked) {
        corked = true;
        stream.cork();
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
      if (!stream.open) return;
      flushDeltas();
      stream.end();
    },
    closed: stream.closed,
  };
}
