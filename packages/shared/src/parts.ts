import type { MessagePart, StreamedPartType } from './chat.ts';

/**
 * Appends streamed text to the part at `index`, starting a part of kind `kind` when `index` is one past
 * the end. The one rule for growing a message's parts, used by the server while a reply runs and by
 * every client following it; `parts` is changed in place.
 */
export function appendToPart(parts: MessagePart[], index: number, kind: StreamedPartType, text: string): void {
  const part = parts[index];
  if (part === undefined) parts[index] = { type: kind, text };
  else if (part.type === kind) part.text += text;
}

/** The text parts joined: a message's plain `content`. */
export function textOf(parts: readonly MessagePart[]): string {
  let text = '';
  for (const part of parts) if (part.type === 'text') text += part.text;
  return text;
}

/** A message's parts when all there is is text. */
export function textParts(text: string): MessagePart[] {
  return text === '' ? [] : [{ type: 'text', text }];
}
