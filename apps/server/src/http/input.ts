import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { validationError } from './errors.ts';

/** Deeper than any request Tessera takes; deep enough nesting makes re-serializing the body overflow the stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * The first part of a request value PostgreSQL cannot store (a NUL character: text columns refuse it)
 * or Tessera will not walk (nesting past MAX_JSON_DEPTH), as a field name and a reason.
 * Iterative, so the walk itself cannot overflow the stack.
 */
export function findUnacceptable(value: unknown, root: string): { field: string; message: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { field: path, message: 'must not contain the NUL character' };
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      if (depth >= MAX_JSON_DEPTH) return { field: path, message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return { field: path, message: 'has a key with the NUL character' };
        stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** Refuses such input with a 400 naming the field, before any route validates or stores it. */
export const inputGuard = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const found =
        findUnacceptable(request.params, 'params') ??
        findUnacceptable(request.query, 'query') ??
        findUnacceptable(request.body, '');
      if (found) throw validationError([{ field: found.field || '(body)', message: found.message }]);
    });
  },
  { name: 'input-guard' },
);
