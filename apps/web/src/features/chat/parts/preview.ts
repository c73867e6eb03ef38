/** Characters of a tool's input or output shown in its card; the rest is counted, not drawn. */
export const PREVIEW_LIMIT = 4000;

/**
 * A tool's input or output as text for its card: strings as they are, anything else as indented JSON,
 * cut at `limit` characters (never inside a surrogate pair) with the count of what was left out.
 */
export function previewValue(value: unknown, limit = PREVIEW_LIMIT): { text: string; omitted: number } {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined) text = '';
  else {
    try {
      text = JSON.stringify(value, null, 2) ?? String(value);
    } catch {
      // A BigInt or a cycle cannot come from JSON, but a part built in the client could hold one.
      text = String(value);
    }
  }
  if (text.length <= limit) return { text, omitted: 0 };
  let cut = limit;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return { text: text.slice(0, cut), omitted: text.length - cut };
}

/** An http(s) address to link to; anything else (javascript:, data:, not a URL) is not a link. */
export function safeHref(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
