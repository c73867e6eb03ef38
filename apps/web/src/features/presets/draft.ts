import type { ModelParams } from '@tessera/shared';
import { useSyncExternalStore } from 'react';

/** Settings for the chat the user has not started yet: sent with its first message. */
export interface DraftSettings {
  systemPrompt: string;
  params: ModelParams;
  /** The preset they came from, shown next to the settings button. */
  presetName: string | null;
}

const EMPTY: DraftSettings = { systemPrompt: '', params: {}, presetName: null };
let current: DraftSettings = EMPTY;
const listeners = new Set<() => void>();

export function setDraftSettings(next: DraftSettings): void {
  current = next;
  listeners.forEach((l) => l());
}

export function clearDraftSettings(): void {
  if (current !== EMPTY) setDraftSettings(EMPTY);
}

export function getDraftSettings(): DraftSettings {
  return current;
}

export function useDraftSettings(): DraftSettings {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** The fields of a new-chat request that carry the draft (nothing when it is all default). */
export function draftRequestFields(draft: DraftSettings): { systemPrompt?: string; params?: ModelParams } {
  return {
    ...(draft.systemPrompt.trim() ? { systemPrompt: draft.systemPrompt } : {}),
    ...(Object.keys(draft.params).length > 0 ? { params: draft.params } : {}),
  };
}
