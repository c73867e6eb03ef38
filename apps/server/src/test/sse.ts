import { chatEventSchema, type ChatEvent } from '@tessera/shared';
import { createParser } from 'eventsource-parser';

/** One event, checked against the shared contract: every event a test reads is. */
const parse = (data: string): ChatEvent => chatEventSchema.parse(JSON.parse(data));

/** The events of a finished server-sent event body. */
export function parseEvents(body: string): ChatEvent[] {
  const events: ChatEvent[] = [];
  const parser = createParser({ onEvent: (e) => events.push(parse(e.data)) });
  parser.feed(body);
  return events;
}

/** Reads server-sent events from a live response, one at a time. */
export async function* readEvents(response: Response): AsyncGenerator<ChatEvent> {
  const queue: ChatEvent[] = [];
  const parser = createParser({ onEvent: (e) => queue.push(parse(e.data)) });
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
