import type { FastifyReply, FastifyRequest } from 'fastify';

const HEARTBEAT_MS = 15_000;

export interface EventStream {
  /** Writes raw server-sent-event text (whole frames); nothing once the stream is closed. */
  write(frames: string): void;
  /** Batches the writes until the end of this tick into one syscall. */
  cork(): void;
  uncork(): void;
  readonly open: boolean;
  end(): void;
  /** Resolves when the client goes away or the stream is ended. */
  closed: Promise<void>;
}

/**
 * Takes over the response and opens a server-sent event stream on it: the headers that keep proxies
 * (nginx: x-accel-buffering) from buffering it and caches from keeping it, and a comment every 15 s so
 * idle connections are not cut. Both the chat's events and /v1's chunks go through it.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
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
  return {
    write(frames) {
      if (open) raw.write(frames);
    },
    cork: () => raw.cork(),
    uncork: () => raw.uncork(),
    get open() {
      return open;
    },
    end() {
      if (!open) return;
      finish();
      raw.end();
    },
    closed,
  };
}
