import type { ModelsResponse } from '@tessera/shared';
import { useSyncExternalStore } from 'react';
import { readStorage, writeStorage } from '../../lib/storage.ts';

export interface ModelChoice {
  endpoint: string;
  model: string;
}

const KEY = 'tessera.model';
const listeners = new Set<() => void>();

function parse(raw: string | null): ModelChoice | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<ModelChoice>;
    return typeof v.endpoint === 'string' && typeof v.model === 'string'
      ? { endpoint: v.endpoint, model: v.model }
      : null;
  } catch {
    return null;
  }
}

let current = parse(readStorage(KEY));

export function setModelChoice(choice: ModelChoice) {
  current = choice;
  writeStorage(KEY, JSON.stringify(choice));
  listeners.forEach((l) => l());
}

export function useStoredModel(): ModelChoice | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** The remembered choice when the server still offers it, else the server's default, else the first model. */
export function resolveModel(stored: ModelChoice | null, models: ModelsResponse | undefined): ModelChoice | null {
  if (!models) return null;
  const exists = (c: ModelChoice | null) =>
    !!c && models.endpoints.some((e) => e.id === c.endpoint && e.models.some((m) => m.id === c.model));
  if (exists(stored)) return stored;
  if (exists(models.default)) return models.default;
  const first = models.endpoints.find((e) => e.models.length > 0);
  const model = first?.models[0];
  return first && model ? { endpoint: first.id, model: model.id } : null;
}

/**
 * The model an open conversation goes on with: its own (the one it last used, or the one picked in it)
 * while the server still offers it, else the server's default. A conversation without one (never the
 * case once it has a reply) starts from the user's last pick, like a new chat.
 */
export function resolveConversationModel(
  conversation: { endpoint: string | null; model: string | null },
  stored: ModelChoice | null,
  models: ModelsResponse | undefined,
): ModelChoice | null {
  const own =
    conversation.endpoint && conversation.model ? { endpoint: conversation.endpoint, model: conversation.model } : null;
  return own ? resolveModel(own, models) : resolveModel(stored, models);
}

/** "Temporary chat" for the next new chat: on until turned off (in this tab; a reload turns it off). */
let temporary = false;
const temporaryListeners = new Set<() => void>();

export function setTemporaryChat(on: boolean) {
  temporary = on;
  temporaryListeners.forEach((l) => l());
}

export function useTemporaryChat(): boolean {
  return useSyncExternalStore(
    (l) => {
      temporaryListeners.add(l);
      return () => temporaryListeners.delete(l);
    },
    () => temporary,
  );
}
