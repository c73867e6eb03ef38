import { invalidRequest, parameterMissing, parameterUnknown } from './errors.ts';
import type { FormObject, FormValue } from './form.ts';
import { formList, isFormObject } from './form.ts';

/** Reject top-level parameters the endpoint does not know, as Stripe does. `_`-prefixed ones (Stripe.js's
 * `_stripe_version` and friends) and `key` (Stripe.js's publishable key) pass. */
export function checkKnown(params: FormObject, known: readonly string[]) {
  for (const name of Object.keys(params)) {
    if (name.startsWith('_') || name === 'key') continue;
    if (!known.includes(name)) throw parameterUnknown(name);
  }
}

function describe(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function optionalString(params: FormObject, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${describe(value)}`, name);
  return value;
}

export function requiredString(params: FormObject, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === '') throw parameterMissing(name);
  return value;
}

/** A string where `''` means "unset" (null). */
export function nullableString(params: FormObject, name: string): string | null | undefined {
  const value = optionalString(params, name);
  return value === '' ? null : value;
}

export function optionalInteger(params: FormObject, name: string, min = 0, label = name): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${describe(value)}`, label, 'parameter_invalid_integer');
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw invalidRequest(`Invalid integer: ${value}`, label, 'parameter_invalid_integer');
  if (n < min) {
    throw invalidRequest(
      min === 1 ? `Invalid positive integer` : `This value must be greater than or equal to ${min}.`,
      label,
      'parameter_invalid_integer',
    );
  }
  return n;
}

export function optionalBoolean(params: FormObject, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${describe(value)}`, name);
}

export function optionalObject(params: FormObject, name: string): FormObject | undefined {
  const value = params[name];
  if (value === undefined || value === '') return value === '' ? {} : undefined;
  if (!isFormObject(value)) throw invalidRequest(`Invalid object`, name);
  return value;
}

export function optionalStringList(params: FormObject, name: string): string[] | undefined {
  const value = params[name];
  const list = formList(value);
  if (value !== undefined && list === undefined) throw invalidRequest(`Invalid array`, name);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${describe(item)}`, `${name}[${i}]`);
    return item;
  });
}

/**
 * Apply a `metadata` parameter to `existing`: `metadata=` clears everything, `metadata[k]=` removes one key,
 * Stripe's limits (50 keys, 40-character keys, 500-character values) apply.
 */
export function applyMetadata(
  params: FormObject,
  existing: Record<string, string> = {},
  name = 'metadata',
): Record<string, string> {
  const value = params[name];
  if (value === undefined) return existing;
  if (value === '') return {};
  if (!isFormObject(value)) throw invalidRequest('Invalid object', name);
  const result = { ...existing };
  for (const [key, item] of Object.entries(value)) {
    const param = `${name}[${key}]`;
    if (typeof item !== 'string') throw invalidRequest(`Invalid string: ${describe(item)}`, param);
    if (key.length > 40) throw invalidRequest('Metadata keys can have up to 40 characters.', param);
    if (item.length > 500) throw invalidRequest('Metadata values can have up to 500 characters.', param);
    if (item === '') delete result[key];
    else result[key] = item;
  }
  if (Object.keys(result).length > 50) throw invalidRequest('Metadata can have up to 50 keys.', name);
  return result;
}

export function expandPaths(params: FormObject): string[] {
  return optionalStringList(params, 'expand') ?? [];
}

/** A `created` filter: an exact `created=…` or a range `created[gt|gte|lt|lte]=…`. */
export interface Range {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function optionalRange(params: FormObject, name: string): Range | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const exact = optionalInteger(params, name)!;
    return { gte: exact, lte: exact };
  }
  if (!isFormObject(value)) throw invalidRequest('Invalid object', name);
  const range: Range = {};
  for (const key of Object.keys(value)) {
    if (key !== 'gt' && key !== 'gte' && key !== 'lt' && key !== 'lte') throw parameterUnknown(`${name}[${key}]`);
    range[key] = optionalInteger(value, key, Number.MIN_SAFE_INTEGER, `${name}[${key}]`)!;
  }
  return range;
}

export const inRange = (n: number, r: Range) =>
  (r.gt === undefined || n > r.gt) &&
  (r.gte === undefined || n >= r.gte) &&
  (r.lt === undefined || n < r.lt) &&
  (r.lte === undefined || n <= r.lte);
