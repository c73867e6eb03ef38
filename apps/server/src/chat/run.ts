import { appendToPart, type ChatEvent, type MessagePart } from '@tessera/shared';

export type RunListener = (event: ChatEvent) => void;

/**
 * One generation in flight on this instance. It runs on its own, whoever is listening:
 * clients subscribe and unsubscribe (reloads, second tabs) without affecting it.
 */
export class Run {
  /** The assistant message's parts so far (a reconnect's snapshot). */
  parts: MessagePart[] = [];
  /** Counts the changes to `parts` (whether there is anything new to save). */
  changes = 0;
  finished = false;
  readonly abort = new AbortController();
  private listeners = new Set<RunListener>();
  private ended = new Set<() => void>();
  private closed = false;

  constructor(
    readonly messageId: string,
    readonly userId: string,
    readonly conversationId: string,
  ) {}

  subscribe(listener: RunListener, onEnd: () => void): () => void {
    if (this.closed) {
      onEnd();
      return () => {};
    }
    this.listeners.add(listener);
    this.ended.add(onEnd);
    return () => {
      this.listeners.delete(listener);
      this.ended.delete(onEnd);
    };
  }

  emit(event: ChatEvent): void {
    if (event.type === 'delta') {
      appendToPart(this.parts, event.index, event.part, event.text);
      this.changes += 1;
    } else if (event.type === 'part') {
      this.parts[event.index] = event.part;
      this.changes += 1;
    }
    for (const listener of this.listeners) listener(event);
  }

  /** No more events will come (the reply and, if any, its title are done). */
  close(): void {
    this.closed = true;
    for (const end of this.ended) end();
    this.listeners.clear();
    this.ended.clear();
  }
}

/** The generations running on this instance, by assistant message id. */
export class RunRegistry {
  private runs = new Map<string, Run>();

  add(run: Run): void {
    this.runs.set(run.messageId, run);
  }

  get(messageId: string): Run | undefined {
    return this.runs.get(messageId);
  }

  remove(run: Run): void {
    if (this.runs.get(run.messageId) === run) this.runs.delete(run.messageId);
  }

  get size(): number {
    return this.runs.size;
  }

  all(): Run[] {
    return [...this.runs.values()];
  }
}
