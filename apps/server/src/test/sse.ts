import type { ChatEvent } from '@tessera/shared';
import { createParser } from 'eventsource-parser';

/** The events of a finished server-sent event body. */
export function parseEvents(body: string): ChatEvent[] {
  const events: ChatEvent[] = [];
  const parser = createParser({ onEvent: (e) => events.push(JSON.parse(e.data) as ChatEvent) });
  parser.feed(body);
  return events;
}

/** Reads server-sent events from a live response, one at a time. */
export async function* readEvents(response: Response): AsyncGenerator<ChatEvent> {
  const queue: ChatEvent[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(JSON.parse(e.data) as ChatEvent) });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
    while (queue.length > 0) yield queue.shift()!;
  } finally {
    await reader.cancel().catch(() => {});
  }
}
