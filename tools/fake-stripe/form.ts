import { invalidRequest } from './errors.ts';

/**
 * A decoded `application/x-www-form-urlencoded` body or query string in Stripe's bracket notation
 * (`metadata[userId]=u1`, `payment_method_types[0]=card`, `expand[]=x`). Indexed lists stay objects keyed
 * '0', '1', … (a `metadata[0]` key must not turn into an array); read them with `formList`.
 */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export const isFormObject = (value: FormValue | undefined): value is FormObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function decode(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest(`Invalid URL encoding: ${part}`);
  }
}

/** `a[b][0]` → ['a', 'b', '0']; `a[]` → ['a', '']; anything that is not clean bracket notation is one plain key. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const pattern = /\[([^[\]]*)\]/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = pattern.exec(rest)) !== null) {
    segments.push(m[1]!);
    consumed = pattern.lastIndex;
  }
  return consumed === rest.length ? segments : [key];
}

export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (key === '') continue;
    insert(root, splitKey(key), value, key);
  }
  return root;
}

function insert(root: FormObject, segments: string[], value: string, fullKey: string) {
  let container: FormObject | FormValue[] = root;
  for (let i = 0; i < segments.length; i++) {
    const last = i === segments.length - 1;
    const segment = segments[i]!;
    if (Array.isArray(container)) {
      // `a[]` appends; `a[][b]` is not something Stripe's clients send.
      if (segment !== '' || !last) throw invalidRequest(`Invalid array parameter: ${fullKey}`, fullKey);
      container.push(value);
      return;
    }
    const nextSegment = segments[i + 1];
    if (last) {
      if (isFormObject(container[segment]) || Array.isArray(container[segment])) {
        throw invalidRequest(`Invalid hash parameter: ${fullKey}`, fullKey);
      }
      container[segment] = value;
      return;
    }
    let child: FormValue | undefined = container[segment];
    if (child === undefined) {
      child = nextSegment === '' ? [] : {};
      container[segment] = child;
    }
    if (typeof child === 'string') throw invalidRequest(`Invalid hash parameter: ${fullKey}`, fullKey);
    container = child;
  }
}

/** A list parameter sent as `a[0]=x&a[1]=y`, `a[]=x` or (leniently) a single `a=x`. */
export function formList(value: FormValue | undefined): FormValue[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value === '' ? [] : [value];
  const keys = Object.keys(value);
  if (!keys.every((k) => /^\d+$/.test(k))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => value[k]!);
}

/** Key order independent rendering, to compare two requests' parameters. */
export function canonical(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k]!)}`)
    .join(',')}}`;
}
