import { useSyncExternalStore } from 'react';

/**
 * Text of the replies being streamed, outside React state: a delta notifies only the one message
 * component that subscribed to that id, so the rest of the list never re-renders while streaming.
 */
const texts = new Map<string, string>();
const listeners = new Map<string, Set<() => void>>();
const anyListeners = new Set<() => void>();

function emit(id: string) {
  listeners.get(id)?.forEach((l) => l());
  anyListeners.forEach((l) => l());
}

export const streamStore = {
  get(id: string): string | undefined {
    return texts.get(id);
  },
  set(id: string, text: string) {
    texts.set(id, text);
    emit(id);
  },
  append(id: string, text: string) {
    texts.set(id, (texts.get(id) ?? '') + text);
    emit(id);
  },
  delete(id: string) {
    if (texts.delete(id)) emit(id);
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

export function useStreamText(id: string): string | undefined {
  return useSyncExternalStore(
    (l) => streamStore.subscribe(id, l),
    () => streamStore.get(id),
  );
}
