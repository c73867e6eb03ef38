// What reaches the log from an error: never the data the error carries. pino's standard serializer
// copies every enumerable property, which for the AI SDK's APICallError is `requestBodyValues` (the system
// prompt and the whole history) and for Drizzle's DrizzleQueryError is `params` (message text, key hashes,
// e-mail addresses); a provider that echoes a rejected key puts it in the message. So errors are rebuilt
// from a short list of fields known to hold no user data, and every text among them is masked.

const MAX_MESSAGE = 300;
const MAX_FRAMES = 12;
const MAX_DEPTH = 5;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Key-like strings, each replaced by its recognisable prefix and `[redacted]`. */
const SECRETS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  [
    /\b(sk-ant-|sk-proj-|sk-|tsk_|rk_|pk_|whsec_|AIza|xai-|gsk_|hf_|ghp_|AKIA|ASIA)[A-Za-z0-9_\-*]{6,}/g,
    '$1[redacted]',
  ],
  // key=…, token: "…", "apiKey":"…" in URLs, headers and JSON bodies.
  [
    /\b((?:api[_-]?key|key|token|access[_-]?token|secret|password|authorization|x-api-key|x-goog-api-key)["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
    '$1[redacted]',
  ],
];
/** Hashes, base64 blobs and unknown-format keys: any run of 32+ key characters that is not a UUID. */
const LONG_RUN = /[A-Za-z0-9+/_-]{32,}={0,2}/g;

/** Masks anything key-like in a text; `runs: false` spares long runs (file paths in stack frames). */
export function maskSecrets(text: string, { runs = true } = {}): string {
  let masked = text;
  for (const [pattern, replacement] of SECRETS) masked = masked.replace(pattern, replacement);
  if (!runs) return masked;
  return masked.replace(LONG_RUN, (run) => (UUID.test(run) || !/\d/.test(run) ? run : '[redacted]'));
}

function trim(text: string, max = MAX_MESSAGE): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A URL without its query string and fragment, where keys travel (Gemini's `?key=`). */
function safeUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return maskSecrets(`${url.origin}${url.pathname}`);
  } catch {
    return maskSecrets(trim(value.split(/[?#]/)[0]!, 200));
  }
}

/**
 * The part of an error message that holds no data. AI SDK messages append the offending data after
 * `Value:` / `Text:` (TypeValidationError, JSONParseError); Drizzle's add `params:` on a second line.
 */
function safeMessage(error: Record<string, unknown>, message: string): string {
  let text = message;
  if (typeof error.query === 'string' && 'params' in error) text = `Failed query: ${error.query}`;
  text = text.split(/\b(?:Value|Text|params):/)[0]!.replace(/[\s:]+$/, '');
  return maskSecrets(trim(text));
}

/** Stack frames only: V8's first lines repeat the message, which may hold what the message masking removed. */
function frames(stack: unknown): string {
  if (typeof stack !== 'string') return '';
  const lines = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return maskSecrets(lines.slice(0, MAX_FRAMES).join('\n'), { runs: false });
}

export type SafeError = {
  type: string;
  message: string;
  code?: string | number;
  status?: number;
  url?: string;
  /** PostgreSQL's names of what failed; never `detail` or `where`, which quote the row's values. */
  constraint?: string;
  table?: string;
  column?: string;
  /** Frames only ('' for a thrown non-error). */
  stack: string;
  cause?: SafeError;
  errors?: SafeError[];
};

/** Rebuilds any thrown value as an object that is safe to log; walks `cause` (and RetryError's last error). */
export function safeError(value: unknown, depth = 0): SafeError {
  if (value === null || typeof value !== 'object') {
    return { type: value === null ? 'null' : typeof value, message: maskSecrets(trim(String(value))), stack: '' };
  }
  const error = value as Record<string, unknown>;
  const name =
    typeof error.name === 'string' && error.name !== 'Error' ? error.name : (value.constructor?.name ?? 'Object');
  const out: SafeError = {
    type: name,
    message: typeof error.message === 'string' ? safeMessage(error, error.message) : '',
    stack: frames(error.stack),
  };
  if (typeof error.code === 'string' || typeof error.code === 'number') out.code = error.code;
  const status = error.statusCode ?? error.status;
  if (typeof status === 'number') out.status = status;
  const url = safeUrl(error.url);
  if (url) out.url = url;
  for (const key of ['constraint', 'table', 'column'] as const) {
    if (typeof error[key] === 'string') out[key] = error[key];
  }
  if (depth < MAX_DEPTH) {
    const cause = error.cause ?? error.lastError;
    if (cause !== undefined && cause !== value) out.cause = safeError(cause, depth + 1);
    if (Array.isArray(error.errors) && error.errors.length > 0 && !error.lastError) {
      out.errors = error.errors.slice(0, 3).map((e) => safeError(e, depth + 1));
    }
  }
  return out;
}

/** A text logged as-is (a response body slice): key-like strings masked, trimmed. */
export function safeText(value: unknown): unknown {
  return typeof value === 'string' ? maskSecrets(trim(value, 500)) : value;
}
