import { countTokens as countPiece, decode, encode } from 'gpt-tokenizer/encoding/o200k_base';
import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';

/**
 * Token counts for reservations and for billing a reply whose provider reported no usage.
 * o200k_base is OpenAI's current encoding; other providers' counts differ by a few percent,
 * which the reservation margin absorbs.
 *
 * gpt-tokenizer's byte-pair merge is quadratic in the length of one pre-token (a run of letters,
 * Chinese or Japanese text without punctuation): 200k letters took 28.7 s on the event loop, 5k
 * random CJK characters 0.3 s. So the text is encoded in pieces: the encoder's own pre-tokens,
 * batched, with a pre-token longer than MAX_PIECE_CHARS cut into pieces of that length. Ordinary
 * text counts exactly as before (only such long runs can differ, by a token or so per cut), and
 * the cost is linear: about 2.5 µs per character of random CJK, the slowest text measured.
 */
export const MAX_PIECE_CHARS = 128;
/** Pre-tokens are encoded together up to about this many characters: one encoder call each. */
const BATCH_CHARS = 4_096;
/** The split pattern runs over this much text at a time (a multiple of MAX_PIECE_CHARS). */
const WINDOW_CHARS = 8_192;
/**
 * Counting hands the event loop back after this many characters: ~5 ms of the slowest
 * text (random CJK) at a time, so other requests are answered while a long prompt is counted.
 */
const SLICE_CHARS = 2_048;

/** Special tokens such as <|endoftext|> in a user's text are text to count, not an error. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** A pre-token too long to encode at once, in pieces of at most MAX_PIECE_CHARS (no surrogate pair cut). */
function* cut(run: string): Generator<string> {
  for (let at = 0; at < run.length;) {
    let end = Math.min(at + MAX_PIECE_CHARS, run.length);
    if (end < run.length && isLowSurrogate(run.charCodeAt(end))) end -= 1;
    yield run.slice(at, end);
    at = end;
  }
}

/**
 * `text` in consecutive pieces whose token counts add up to the text's: batches of whole pre-tokens
 * (the encoder splits them the same way again), and over-long pre-tokens cut in bounded pieces.
 * The split pattern runs over windows of WINDOW_CHARS: on a whole text, one match can span a
 * 349k-character run (70 ms). A match reaching a window's end may go on past it: it is read again
 * from its start with the next window, unless it fills the window (a long run, cut anyway).
 */
export function* tokenPieces(text: string): Generator<string> {
  let from = 0; // where the batch not yet yielded starts
  let at = 0;
  while (at < text.length) {
    const window = text.slice(at, at + WINDOW_CHARS);
    const windowEnd = at + window.length;
    let next = windowEnd;
    for (const match of window.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
      const start = at + match.index;
      const end = start + match[0].length;
      if (end === windowEnd && windowEnd < text.length) {
        next = start;
        break;
      }
      if (match[0].length > MAX_PIECE_CHARS) {
        if (start > from) yield text.slice(from, start);
        yield* cut(match[0]);
        from = end;
      } else if (end - from > BATCH_CHARS) {
        yield text.slice(from, start);
        from = start;
      }
    }
    if (next === at) {
      // One pre-token fills the window: its head is cut here, the rest is read with the next window.
      if (at > from) yield text.slice(from, at);
      next = at + WINDOW_CHARS - MAX_PIECE_CHARS;
      if (isLowSurrogate(text.charCodeAt(next))) next -= 1;
      yield* cut(text.slice(at, next));
      from = next;
    }
    at = next;
  }
  if (from < text.length) yield text.slice(from);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The text's token count, computed a slice at a time so the event loop keeps serving others. */
export async function countTokens(text: string): Promise<number> {
  let count = 0;
  let sinceTurn = 0;
  for (const piece of tokenPieces(text)) {
    count += countPiece(piece, AS_TEXT);
    sinceTurn += piece.length;
    if (sinceTurn >= SLICE_CHARS) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  return count;
}

/** Splits text into its tokens' strings (the demo model streams them one by one); for short text. */
export function splitTokens(text: string): string[] {
  return [...tokenPieces(text)].flatMap((piece) => encode(piece, AS_TEXT).map((token) => decode([token])));
}

/** A prompt's tokens plus the per-message framing providers add, with a margin for other tokenizers. */
export async function estimatePromptTokens(parts: string[]): Promise<number> {
  let raw = 3;
  for (const part of parts) raw += (await countTokens(part)) + 4;
  return Math.ceil(raw * 1.1);
}
