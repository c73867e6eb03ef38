import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EndpointConfig } from '../config/schema.ts';
import { listModels, MODEL_LIST_TIMEOUT_MS } from './listing.ts';
import { isUserProvided } from './user-keys.ts';

/** A list fetched with an endpoint's own key is kept this long. */
const MODEL_LIST_TTL_MS = 5 * 60_000;
/** A listing that failed on an endpoint with its own key is not tried again for this long (the last good list stays). */
const FAILED_MODEL_LIST_TTL_MS = 30_000;
/** Model lists fetched with a user's own key: kept briefly (a refused key too), and only so many users at once. */
const USER_MODEL_LIST_TTL_MS = 60_000;
const USER_MODEL_LISTS_MAX = 1_000;
/** One entry per endpoint with `fetch: true`; the bound only keeps a pathological config from growing it forever. */
const ENDPOINT_MODEL_LISTS_MAX = 1_000;

export interface ModelListOptions {
  /** How long one model listing may take (default 5 s). */
  timeoutMs?: number;
  /** The clock the lists' lifetimes are measured on, in milliseconds above 0 (tests); default `performance.now`. */
  now?: () => number;
}

/** What one listing needs: who to ask, with which key, what to fall back on, and how long to keep the answer. */
interface Listing {
  endpoint: EndpointConfig;
  apiKey: string | undefined;
  configured: string[];
  ttl: { ok: number; failed: number };
}

/**
 * The models each endpoint offers: its configured ones, and with `fetch: true` also what its own API lists
 * (listing.ts) — with the endpoint's own key, or on a user_provided endpoint with the requesting user's key only.
 * Answers are cached (lru-cache, a lifetime per entry); simultaneous requests for one list share one listing.
 */
export function createModelLists(options: ModelListOptions = {}) {
  const timeoutMs = options.timeoutMs ?? MODEL_LIST_TIMEOUT_MS;

  const cache = (max: number, ttl: number) =>
    new LRUCache<string, string[], Listing>({
      max,
      ttl,
      // Read the clock on every lookup: the default 1 ms memo would let a moved test clock go unseen.
      ttlResolution: 0,
      ...(options.now && { perf: { now: options.now } }),
      // A user's listing evicted while under way still answers that user.
      ignoreFetchAbort: true,
      fetchMethod: async (_key, stale, { options: entry, context }) => {
        try {
          const listed = await listModels(context.endpoint, context.apiKey, timeoutMs);
          entry.ttl = context.ttl.ok;
          return [...new Set([...context.configured, ...listed])].sort();
        } catch {
          // An unreachable, slow or refusing endpoint keeps its last good list (else its configured models, or
          // none) and is not asked again for a while, so it cannot hold up every /api/models until its timeout.
          entry.ttl = context.ttl.failed;
          return stale ?? context.configured;
        }
      },
    });
  const withOwnKey = cache(ENDPOINT_MODEL_LISTS_MAX, MODEL_LIST_TTL_MS);
  const withUserKey = cache(USER_MODEL_LISTS_MAX, USER_MODEL_LIST_TTL_MS);

  return {
    /**
     * The endpoint's model ids. `user` is the requesting user and their saved key, on a user_provided endpoint;
     * without one such an endpoint offers its configured models.
     */
    async of(endpoint: EndpointConfig, user?: { id: string; apiKey: string }): Promise<string[]> {
      const configured = endpoint.models.map((m) => (typeof m === 'string' ? m : m.id));
      // The config refuses fetch on azure and bedrock; an endpoint built some other way keeps its list.
      if (!endpoint.fetch || endpoint.kind === 'azure' || endpoint.kind === 'bedrock') return configured;
      if (!isUserProvided(endpoint)) {
        const context = {
          endpoint,
          apiKey: endpoint.apiKey,
          configured,
          ttl: { ok: MODEL_LIST_TTL_MS, failed: FAILED_MODEL_LIST_TTL_MS },
        };
        return (await withOwnKey.fetch(endpoint.id, { context })) ?? configured;
      }
      if (!user) return configured;
      // Per user and key: a new key is asked at once, and one user's list never shows for another.
      const keyHash = createHash('sha256').update(user.apiKey).digest('base64url').slice(0, 16);
      const key = `${endpoint.id}\u0000${user.id}\u0000${keyHash}`;
      // A key the endpoint refuses is not tried again on every page load either.
      const context = {
        endpoint,
        apiKey: user.apiKey,
        configured,
        ttl: { ok: USER_MODEL_LIST_TTL_MS, failed: USER_MODEL_LIST_TTL_MS },
      };
      return (await withUserKey.fetch(key, { context })) ?? configured;
    },
  };
}

export type ModelLists = ReturnType<typeof createModelLists>;
