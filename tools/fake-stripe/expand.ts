import { invalidRequest } from './errors.ts';

type Obj = Record<string, unknown> & { object?: unknown };

/** Expandable fields per object kind. Ones the fake always leaves null (customer, review, …) expand to null. */
const EXPANDABLE: Record<string, string[]> = {
  payment_intent: [
    'latest_charge',
    'payment_method',
    'customer',
    'application',
    'on_behalf_of',
    'review',
    'source',
    'payment_record',
  ],
  charge: [
    'payment_intent',
    'balance_transaction',
    'customer',
    'application',
    'application_fee',
    'failure_balance_transaction',
    'on_behalf_of',
    'review',
    'source_transfer',
    'transfer',
  ],
  refund: ['charge', 'payment_intent', 'balance_transaction', 'payment_method', 'customer'],
  dispute: ['charge', 'payment_intent'],
  balance_transaction: ['source'],
  payment_method: ['customer'],
  event: [],
};

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

function expandPath(target: Obj, segments: string[], path: string, find: (id: string) => unknown) {
  const [field, ...rest] = segments;
  const kind = typeof target.object === 'string' ? target.object : '';
  if (field === undefined || !(EXPANDABLE[kind] ?? []).includes(field)) {
    throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
  }
  let value = target[field];
  if (typeof value === 'string') {
    const found = find(value);
    if (found !== undefined) {
      value = structuredClone(found);
      target[field] = value;
    }
  }
  if (rest.length && isObj(value)) expandPath(value, rest, path, find);
}

/** Apply `expand[]` paths (`latest_charge`, `latest_charge.balance_transaction`, …) to a copy of `object`. */
export function expand<T>(object: T, paths: string[], find: (id: string) => unknown): T {
  if (paths.length === 0) return object;
  const copy = structuredClone(object) as Obj;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4)
      throw invalidRequest(`You cannot expand more than 4 levels of a property (${path}).`, 'expand');
    expandPath(copy, segments, path, find);
  }
  return copy as T;
}

/** `expand[]` on a list: every path starts with `data.`. */
export function expandList<T>(items: T[], paths: string[], find: (id: string) => unknown): T[] {
  const inner = paths.map((path) => {
    if (!path.startsWith('data.')) {
      throw invalidRequest(
        `This property cannot be expanded (${path}). You may want to try expanding 'data.${path}' instead.`,
        'expand',
      );
    }
    return path.slice(5);
  });
  return items.map((item) => expand(item, inner, find));
}
