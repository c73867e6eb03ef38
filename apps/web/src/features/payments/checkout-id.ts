/** A checkout id: crypto.randomUUID where the page is a secure context, random bytes otherwise (plain http on a LAN). */
export function newCheckoutId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
