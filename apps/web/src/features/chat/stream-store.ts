import type { ChatEvent, Message, MessagePart, StreamedPartType } from '@tessera/shared';
import { appendToPart, textParts } from '@tessera/shared/parts';
import { useCallback, useSyncExternalStore } from 'react';

/**
 * The parts of the replies being streamed, outside React state: a delta notifies only the one message
 * component that subscribed to that id, so the rest of the list never re-renders while streaming.
 *
 * Parts are copied on write: every change makes a new array and a new object for the one part that
 * changed, and the others keep their identity. A memoised part renderer therefore re-renders only when
 * its own part grew (the reasoning above an answer that is streaming stays put), and the message objects
 * in the query cache, whose parts the stream starts from, are never changed in place.
 */

/** The reply's output limit was lowered to what the balance can pay. */
export type OutputLimitNotice = Omit<Extract<ChatEvent, { type: 'notice' }>, 'type'>;

const EMPTY: readonly MessagePart[] = [];

/** A message's parts; a message from before parts existed (or an old cache entry) becomes its text. */
export function partsOf(message: Pick<Message, 'parts' | 'content'>): readonly MessagePart[] {
  return message.parts?.length ? message.parts : message.content ? textParts(message.content) : EMPTY;
}

/**
 * `parts` with `text` appended to the part at `index` (a new part of kind `kind` one past the end), by the
 * shared rule (appendToPart). Returns `parts` itself when nothing changes: a delta for a part of another
 * kind, or for an index beyond the end (a part in between was missed; the final message brings it, and a
 * hole would break every reader of the array).
 */
export function withDelta(
  parts: readonly MessagePart[],
  index: number,
  kind: StreamedPartType,
  text: string,
): readonly MessagePart[] {
  if (!Number.isInteger(index) || index < 0 || index > parts.length) return parts;
  const part = parts[index];
  if (part && part.type !== kind) return parts;
  const next = parts.slice();
  if (part) next[index] = { ...part };
  appendToPart(next, index, kind, text);
  return next;
}

/** `parts` with the part at `index` set (replaced, or added one past the end). */
export function withPart(parts: readonly MessagePart[], index: number, part: MessagePart): readonly MessagePart[] {
  if (!Number.isInteger(index) || index < 0 || index > parts.length) return parts;
  const next = parts.slice();
  next[index] = part;
  return next;
}

const replies = new Map<string, readonly MessagePart[]>();
const listeners = new Map<string, Set<() => void>>();
const anyListeners = new Set<() => void>();

// What outlives the stream, for this tab's session: the notice still explains a reply cut at the lowered
// limit after it ended, and "Thought for N s" is measured here (stored messages carry no such time).
const notices = new Map<string, OutputLimitNotice>();
/** Reasoning parts by `${messageId}:${index}`: when they started, and how long they lasted once ended. */
const thinkingSince = new Map<string, number>();
const thoughtMs = new Map<string, number>();

function emit(id: string) {
  listeners.get(id)?.forEach((l) => l());
  anyListeners.forEach((l) => l());
}

/** A part after a reasoning part began, or the reply ended: the reasoning before it is over. */
function endThinking(id: string, before = Infinity) {
  const prefix = `${id}:`;
  for (const [key, since] of thinkingSince) {
    if (!key.startsWith(prefix) || Number(key.slice(prefix.length)) >= before) continue;
    thoughtMs.set(key, Date.now() - since);
    thinkingSince.delete(key);
  }
}

function update(id: string, index: number, next: readonly MessagePart[], previous: readonly MessagePart[]) {
  if (next === previous) return;
  if (next.length > previous.length) {
    endThinking(id, index);
    if (next[index]?.type === 'reasoning') thinkingSince.set(`${id}:${index}`, Date.now());
  }
  replies.set(id, next);
  emit(id);
}

export const streamStore = {
  get(id: string): readonly MessagePart[] | undefined {
    return replies.get(id);
  },
  /** A generation of this message starts (`start`): from its parts so far (a continued reply has some). */
  start(id: string, parts: readonly MessagePart[]) {
    notices.delete(id);
    replies.set(id, parts);
    emit(id);
  },
  /** A reconnecting client's picture of the reply so far (`snapshot`). */
  snapshot(id: string, parts: readonly MessagePart[]) {
    replies.set(id, parts);
    emit(id);
  },
  delta(id: string, index: number, kind: StreamedPartType, text: string) {
    const previous = replies.get(id) ?? EMPTY;
    update(id, index, withDelta(previous, index, kind, text), previous);
  },
  part(id: string, index: number, part: MessagePart) {
    const previous = replies.get(id) ?? EMPTY;
    update(id, index, withPart(previous, index, part), previous);
  },
  notice(id: string, notice: OutputLimitNotice) {
    notices.set(id, notice);
    emit(id);
  },
  getNotice(id: string): OutputLimitNotice | undefined {
    return notices.get(id);
  },
  /** Seconds the reasoning part at `index` took, when this tab saw it from its start to its end. */
  thoughtSeconds(id: string, index: number): number | undefined {
    const ms = thoughtMs.get(`${id}:${index}`);
    return ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000));
  },
  /** The stream ended (or was stopped): the message in the query cache is the truth from now on. */
  delete(id: string) {
    endThinking(id);
    if (replies.delete(id)) emit(id);
  },
  subscribe(id: string, listener: () => void): () => void {
    let set = listeners.get(id);
    if (!set) listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(id);
    };
  },
  /** Any change at all (the list uses it to keep scrolled to the bottom). */
  subscribeAny(listener: () => void): () => void {
    anyListeners.add(listener);
    return () => anyListeners.delete(listener);
  },
};

function useStoreValue<T>(id: string, read: (id: string) => T): T {
  const subscribe = useCallback((l: () => void) => streamStore.subscribe(id, l), [id]);
  return useSyncExternalStore(subscribe, () => read(id));
}

/** The live parts of a reply that is streaming in this tab; undefined otherwise. */
export function useStreamParts(id: string): readonly MessagePart[] | undefined {
  return useStoreValue(id, streamStore.get);
}

export function useReplyNotice(id: string): OutputLimitNotice | undefined {
  return useStoreValue(id, streamStore.getNotice);
}
