import { invalidRequest, resourceMissing } from './errors.ts';
import type { FormObject } from './form.ts';
import { inRange, optionalInteger, optionalRange, optionalString } from './params.ts';

export interface ApiList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * One page of a Stripe list, newest first: `limit` (1–100, default 10), `starting_after` / `ending_before` cursors
 * and a `created` range. `all` is in creation order; `kind` names the object in "No such …" errors.
 */
export function paginate<T extends { id: string; created: number }>(
  all: T[],
  params: FormObject,
  url: string,
  kind: string,
  filter: (item: T) => boolean = () => true,
): ApiList<T> {
  const limit = optionalInteger(params, 'limit', 1) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', 'limit');
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      undefined,
      'parameters_exclusive',
    );
  }
  const created = optionalRange(params, 'created');
  const position = new Map(all.map((item, i) => [item.id, i]));
  const cursorAt = (name: string, id: string) => {
    const at = position.get(id);
    if (at === undefined) throw resourceMissing(kind, id, name);
    return at;
  };
  let candidates = all
    .filter((item) => (created === undefined || inRange(item.created, created)) && filter(item))
    .reverse();
  if (endingBefore) {
    const cursor = cursorAt('ending_before', endingBefore);
    candidates = candidates.filter((item) => position.get(item.id)! > cursor);
    // The page nearest the cursor: the oldest `limit` of the newer objects, still listed newest first.
    return { object: 'list', data: candidates.slice(-limit), has_more: candidates.length > limit, url };
  }
  if (startingAfter) {
    const cursor = cursorAt('starting_after', startingAfter);
    candidates = candidates.filter((item) => position.get(item.id)! < cursor);
  }
  return { object: 'list', data: candidates.slice(0, limit), has_more: candidates.length > limit, url };
}
