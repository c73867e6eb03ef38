import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { FieldIssue } from '@tessera/shared';
import { validationError } from './errors.ts';

/** Deeper than any request Tessera takes; deep enough nesting makes re-serializing the body overflow the stack. */
export const MAX_JSON_DEPTH = 32;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Half of a UTF-16 pair has no UTF-8 form: the database would store U+FFFD, a provider's encoder may throw. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

type Container = Record<string, unknown> | unknown[];

/**
 * Makes a parsed request value safe to store and send on: lone surrogates become U+FFFD in place.
 * Returns the first part PostgreSQL cannot store (a NUL character: text columns refuse it) or Tessera
 * will not walk (nesting past MAX_JSON_DEPTH), as a field name and a reason; null when all is well.
 * Iterative, so the walk itself cannot overflow the stack.
 */
export function sanitizeInput(value: unknown, root: string): FieldIssue | null {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return null;
  const stack: { container: Container; path: string; depth: number }[] = [
    { container: value as Container, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const { container, path, depth } = stack.pop()!;
    if (depth >= MAX_JSON_DEPTH) {
      return {
        field: path,
        message: `is nested more than ${MAX_JSON_DEPTH} levels deep`,
        code: 'too_deep',
        maximum: MAX_JSON_DEPTH,
      };
    }
    for (const [key, child] of Object.entries(container)) {
      const field = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) {
        return { field: path, message: 'has a key with the NUL character', code: 'forbidden_character' };
      }
      if (typeof child === 'string') {
        if (child.includes('\u0000')) {
          return { field, message: 'must not contain the NUL character', code: 'forbidden_character' };
        }
        const fixed = wellFormed(child);
        if (fixed !== child) (container as Record<string, unknown>)[key] = fixed;
      } else if (child !== null && typeof child === 'object') {
        stack.push({ container: child as Container, path: field, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** Applies sanitizeInput to every request's path, query and body before any route validates or stores them. */
export const inputGuard = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const found =
        sanitizeInput(request.params, 'params') ??
        sanitizeInput(request.query, 'query') ??
        sanitizeInput(request.body, '');
      if (found) throw validationError([{ ...found, field: found.field || '(body)' }]);
    });
  },
  { name: 'input-guard' },
);
