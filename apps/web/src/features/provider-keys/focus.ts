/**
 * The endpoint whose key field the Provider keys panel should focus when it opens ("Add key" in the
 * model picker). Read once by the panel, then forgotten.
 */
let pending: string | null = null;

export function focusProviderKeyOnOpen(endpointId: string): void {
  pending = endpointId;
}

export function takeProviderKeyFocus(): string | null {
  const endpointId = pending;
  pending = null;
  return endpointId;
}
