import { decode, encode } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Token counts for reservations and for billing a reply whose provider reported no usage.
 * o200k_base is OpenAI's current encoding; other providers' counts differ by a few percent,
 * which the reservation margin absorbs.
 */
export function countTokens(text: string): number {
  return text === '' ? 0 : encode(text).length;
}

/** Splits text into its tokens' strings (the demo model streams them one by one). */
export function splitTokens(text: string): string[] {
  return encode(text).map((token) => decode([token]));
}

/** A prompt's tokens plus the per-message framing providers add, with a margin for other tokenizers. */
export function estimatePromptTokens(parts: string[]): number {
  const raw = parts.reduce((sum, part) => sum + countTokens(part) + 4, 3);
  return Math.ceil(raw * 1.1);
}
