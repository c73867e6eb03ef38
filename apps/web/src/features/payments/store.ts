import { useEffect, useState, useSyncExternalStore } from 'react';

/**
 * Whether the "Buy tokens" modal is open. Anything may open it (the sidebar button, the chat's
 * "not enough credits" notice, the payment return page); one host renders it.
 */
let open = false;
/** Hosts in mount order; the first one renders the modal (the sidebar exists twice on small screens). */
let hosts: readonly symbol[] = [];
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function openBuyTokens(): void {
  if (open) return;
  open = true;
  emit();
}

export function closeBuyTokens(): void {
  if (!open) return;
  open = false;
  emit();
}

export function useBuyTokensOpen(): boolean {
  return useSyncExternalStore(subscribe, () => open);
}

/** True for exactly one mounted host. */
export function useIsActiveHost(): boolean {
  const [id] = useState(() => Symbol('buy-tokens-host'));
  useEffect(() => {
    hosts = [...hosts, id];
    emit();
    return () => {
      hosts = hosts.filter((h) => h !== id);
      // Signed out (the shell went away): don't reopen on the next sign-in.
      if (hosts.length === 0) open = false;
      emit();
    };
  }, [id]);
  return useSyncExternalStore(subscribe, () => hosts[0] === id);
}
