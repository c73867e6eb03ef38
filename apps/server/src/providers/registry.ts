import { createHash } from 'node:crypto';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createAzure } from '@ai-sdk/azure';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';
import type { EndpointInfo, ModelInfo, ModelParams } from '@tessera/shared';
import type { Config, EndpointConfig, Price } from '../config/schema.ts';
import { AppError } from '../http/errors.ts';
import { DEFAULT_PRICES, FALLBACK_PRICE, priceFor } from '../billing/pricing.ts';
import { DEMO_ENDPOINT_ID, DEMO_MODEL_ID, demoLanguageModel } from './demo.ts';
import { endpointsFromEnv, OLLAMA_DEFAULT_URL, ollamaEndpoint } from './env.ts';
import { endpointBilling, isUserProvided, type UserKey, type UserKeyStore } from './user-keys.ts';

const MODEL_LIST_TTL_MS = 5 * 60_000;
/** A listing that failed on an endpoint with its own key is not tried again for this long (the last good list stays). */
const FAILED_MODEL_LIST_TTL_MS = 30_000;
/** Model lists fetched with a user's own key: kept briefly (a refused key too), and only so many users at once. */
const USER_MODEL_LIST_TTL_MS = 60_000;
const USER_MODEL_LISTS_MAX = 1_000;
const MODEL_LIST_TIMEOUT_MS = 5_000;
/** Anthropic and Gemini page their lists (up to 1000 a page); more pages than this are not asked for. */
const MODEL_LIST_MAX_PAGES = 10;
const FREE: Price = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** A model ready to call, with its price and the endpoint's default parameters. */
export interface Resolved {
  endpoint: EndpointConfig | null;
  endpointId: string;
  modelId: string;
  model: LanguageModelV3;
  /** Credits per token charged to the user: zero on `billing: free` endpoints. */
  price: Price;
  billing: 'credits' | 'free';
  defaults: ModelParams;
}

/** What a call needs of the provider's API beyond a plain reply. */
export interface ModelNeeds {
  /** OpenAI's and Azure's Responses API (their packages' default) has no stop sequences; Chat Completions has. */
  stopSequences?: boolean;
}

/** `apiKey` is the endpoint's own, or the requesting user's on a `user_provided` endpoint. */
function languageModelFor(
  endpoint: EndpointConfig,
  modelId: string,
  apiKey: string | undefined,
  needs: ModelNeeds,
): LanguageModelV3 {
  // Never send the placeholder, and never let a provider package fall back to the operator's environment key.
  if (isUserProvided(endpoint) && (!apiKey || isUserProvided({ apiKey })))
    throw new Error(`${endpoint.id} needs the user's own API key`);
  const common = {
    apiKey,
    headers: endpoint.headers,
    ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
  };
  switch (endpoint.kind) {
    case 'openai': {
      const openai = createOpenAI(common);
      return needs.stopSequences ? openai.chat(modelId) : openai(modelId);
    }
    case 'anthropic':
      return createAnthropic(common)(modelId);
    case 'google':
      return createGoogleGenerativeAI(common)(modelId);
    case 'azure': {
      const azure = createAzure({
        ...common,
        ...(endpoint.resourceName ? { resourceName: endpoint.resourceName } : {}),
        ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
      });
      return needs.stopSequences ? azure.chat(modelId) : azure(modelId);
    }
    case 'bedrock':
      return createAmazonBedrock({
        ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
        headers: endpoint.headers,
        region: endpoint.region,
        accessKeyId: endpoint.accessKeyId,
        secretAccessKey: endpoint.secretAccessKey,
        sessionToken: endpoint.sessionToken,
      })(modelId);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: endpoint.id,
        baseURL: endpoint.baseURL ?? 'http://127.0.0.1:11434/v1',
        apiKey,
        headers: endpoint.headers,
        includeUsage: true,
      }).chatModel(modelId);
  }
}

/**
 * Where each kind lists its models when the endpoint has no baseURL: the host its AI SDK provider calls by default
 * (so a key only ever goes to the endpoint's own host). Azure and Bedrock have no listing here (the config refuses
 * `fetch: true` on them): their models are deployments or regional model ids the operator lists.
 */
export const MODEL_LIST_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  'openai-compatible': 'http://127.0.0.1:11434/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
} as const;

/**
 * OpenAI's /models lists every model the key can use, most of which cannot chat: embeddings, text-to-speech,
 * transcription (whisper, *-transcribe), images (dall-e, gpt-image), moderation, realtime and audio models,
 * completions-only models (*-instruct, davinci, babbage), video (sora), and models that need a tool to answer
 * (computer-use, deep-research). Fetched ids matching this are left out of the picker; listed ids are always kept.
 */
const OPENAI_NON_CHAT =
  /embedding|(^|-)tts(-|$)|whisper|transcribe|dall-e|(^|-)image(-|$)|moderation|realtime|(^|-)audio(-|$)|instruct|^davinci|^babbage|^sora|computer-use|deep-research/;

export function isOpenAIChatModel(id: string): boolean {
  return !OPENAI_NON_CHAT.test(id);
}

const openaiModelList = z.object({ data: z.array(z.object({ id: z.string().min(1) })).nullish() });
const anthropicModelList = z.object({
  data: z.array(z.object({ id: z.string().min(1) })),
  has_more: z.boolean().optional(),
  last_id: z.string().nullish(),
});
const geminiModelList = z.object({
  models: z
    .array(z.object({ name: z.string().min(1), supportedGenerationMethods: z.array(z.string()).optional() }))
    .optional(),
  nextPageToken: z.string().optional(),
});

/**
 * The model ids an endpoint's own API lists, asked with its kind's protocol and credentials: OpenAI and
 * OpenAI-compatible `GET /models` with a Bearer token, Anthropic `GET /models` with x-api-key and
 * anthropic-version, Gemini `GET /models` with x-goog-api-key (models that can generateContent, without the
 * `models/` prefix). Redirects are refused, so a key header never follows one to another host. Throws on failure.
 */
export async function listModels(
  endpoint: EndpointConfig,
  apiKey: string | undefined,
  timeoutMs = MODEL_LIST_TIMEOUT_MS,
): Promise<string[]> {
  if (endpoint.kind === 'azure' || endpoint.kind === 'bedrock') {
    throw new Error(`${endpoint.id}: ${endpoint.kind} endpoints have no model listing`);
  }
  const base = (endpoint.baseURL ?? MODEL_LIST_BASE_URLS[endpoint.kind]).replace(/\/+$/, '');
  const signal = AbortSignal.timeout(timeoutMs);
  const get = async (path: string, query: Record<string, string>, auth: Record<string, string>) => {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const response = await fetch(url, { headers: { ...auth, ...endpoint.headers }, signal, redirect: 'error' });
    if (!response.ok) throw new Error(`${endpoint.id}: listing models answered HTTP ${response.status}`);
    return (await response.json()) as unknown;
  };

  switch (endpoint.kind) {
    case 'openai':
    case 'openai-compatible': {
      const body = openaiModelList.parse(await get('/models', {}, apiKey ? { authorization: `Bearer ${apiKey}` } : {}));
      const ids = (body.data ?? []).map((m) => m.id);
      // An OpenAI-compatible server is the user's own (Ollama, vLLM, a gateway): whatever it lists, it serves.
      return endpoint.kind === 'openai' ? ids.filter(isOpenAIChatModel) : ids;
    }
    case 'anthropic': {
      const auth: Record<string, string> = {
        'anthropic-version': '2023-06-01',
        ...(apiKey && { 'x-api-key': apiKey }),
      };
      const ids: string[] = [];
      let after: string | null | undefined;
      for (let page = 0; page < MODEL_LIST_MAX_PAGES; page++) {
        const body = anthropicModelList.parse(
          await get('/models', { limit: '1000', ...(after && { after_id: after }) }, auth),
        );
        ids.push(...body.data.map((m) => m.id));
        if (!body.has_more || !body.last_id) break;
        after = body.last_id;
      }
      return ids;
    }
    case 'google': {
      const auth: Record<string, string> = apiKey ? { 'x-goog-api-key': apiKey } : {};
      const ids: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < MODEL_LIST_MAX_PAGES; page++) {
        const body = geminiModelList.parse(
          await get('/models', { pageSize: '1000', ...(token && { pageToken: token }) }, auth),
        );
        for (const model of body.models ?? []) {
          if (model.supportedGenerationMethods?.includes('generateContent')) {
            ids.push(model.name.replace(/^models\//, ''));
          }
        }
        if (!body.nextPageToken) break;
        token = body.nextPageToken;
      }
      return ids;
    }
  }
}

/** Why a user_provided endpoint cannot be used yet, in words that say what to do. */
function keyRequired(endpoint: EndpointConfig, key: UserKey): AppError {
  const name = endpoint.name ?? endpoint.id;
  return key.status === 'unreadable'
    ? new AppError(
        'PROVIDER_KEY_REQUIRED',
        `Your saved API key for ${name} can no longer be read (the server's secret has changed). Enter it again in Settings → Provider keys.`,
        { endpoint: endpoint.id, reason: 'unreadable' },
      )
    : new AppError(
        'PROVIDER_KEY_REQUIRED',
        `${name} uses your own API key. Add it in Settings → Provider keys to use this model.`,
        { endpoint: endpoint.id, reason: 'missing' },
      );
}

export interface ProviderRegistryOptions {
  /** Where `discoverOllama` looks (default http://127.0.0.1:11434). */
  ollamaUrl?: string;
  /** How long one model listing may take (default 5 s). */
  modelListTimeoutMs?: number;
  /** The clock of the model-list caches (tests). */
  now?: () => number;
}

/** A model list as last seen, kept until `until`. */
interface ListedModels {
  until: number;
  models: string[];
}

/** The endpoints of the config file and the environment, each model priced, plus the demo when it applies. */
export function createProviderRegistry(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  options: ProviderRegistryOptions = {},
) {
  const fromFile = new Set(config.endpoints.map((e) => e.id));
  const endpoints = [...config.endpoints, ...endpointsFromEnv(env).filter((e) => !fromFile.has(e.id))];
  const now = options.now ?? Date.now;
  const fetched = new Map<string, ListedModels>();
  const fetchedWithUserKey = new Map<string, ListedModels>();
  /** Listings under way, so that simultaneous requests wait for one answer instead of each asking. */
  const listing = new Map<string, Promise<string[]>>();
  let userKeys: UserKeyStore | null = null;
  const priceTable = (endpoint: EndpointConfig | null) => ({
    overrides: endpoint?.prices,
    prices: { ...DEFAULT_PRICES, ...config.billing.prices },
    fallback: config.billing.defaultPrice ?? FALLBACK_PRICE,
  });

  const demoEnabled = () => config.chat.demo === 'on' || (config.chat.demo === 'auto' && endpoints.length === 0);
  const demoPrice = (): Price => priceFor(priceTable(null), DEMO_MODEL_ID).price;

  /**
   * The endpoint's models. With `fetch: true` its own API is asked too (see listModels): with the endpoint's own
   * key, or on a user_provided endpoint with the requesting user's key only (cached per user, briefly); without a
   * user key such an endpoint offers its configured models.
   */
  async function modelIds(endpoint: EndpointConfig, user?: { id: string; apiKey: string }): Promise<string[]> {
    const configured = endpoint.models.map((m) => (typeof m === 'string' ? m : m.id));
    // The config refuses fetch on azure and bedrock; an endpoint built some other way keeps its list.
    if (!endpoint.fetch || endpoint.kind === 'azure' || endpoint.kind === 'bedrock') return configured;
    if (!isUserProvided(endpoint)) {
      return fetchModels(endpoint, configured, endpoint.apiKey, fetched, endpoint.id, {
        ok: MODEL_LIST_TTL_MS,
        failed: FAILED_MODEL_LIST_TTL_MS,
      });
    }
    if (!user) return configured;
    const keyHash = createHash('sha256').update(user.apiKey).digest('base64url').slice(0, 16);
    const cacheKey = `${endpoint.id}\u0000${user.id}\u0000${keyHash}`;
    if (fetchedWithUserKey.size >= USER_MODEL_LISTS_MAX && !fetchedWithUserKey.has(cacheKey)) {
      fetchedWithUserKey.delete(fetchedWithUserKey.keys().next().value!);
    }
    // A key the endpoint refuses is not tried again on every page load either.
    return fetchModels(endpoint, configured, user.apiKey, fetchedWithUserKey, cacheKey, {
      ok: USER_MODEL_LIST_TTL_MS,
      failed: USER_MODEL_LIST_TTL_MS,
    });
  }

  async function fetchModels(
    endpoint: EndpointConfig,
    configured: string[],
    apiKey: string | undefined,
    cache: Map<string, ListedModels>,
    cacheKey: string,
    ttl: { ok: number; failed: number },
  ): Promise<string[]> {
    const cached = cache.get(cacheKey);
    if (cached && now() < cached.until) return cached.models;
    const pending = listing.get(cacheKey);
    if (pending) return pending;
    const keep = (models: string[], forMs: number) => {
      cache.delete(cacheKey);
      cache.set(cacheKey, { until: now() + forMs, models });
      return models;
    };
    const request = listModels(endpoint, apiKey, options.modelListTimeoutMs)
      .then(
        (listed) => keep([...new Set([...configured, ...listed])].sort(), ttl.ok),
        // An unreachable, slow or refusing endpoint keeps its last good list (else its configured models, or
        // none) and is not asked again for a while, so it cannot hold up every /api/models until its timeout.
        () => keep(cached?.models ?? configured, ttl.failed),
      )
      .finally(() => listing.delete(cacheKey));
    listing.set(cacheKey, request);
    return request;
  }

  /** The credits per token a user pays: nothing on a `billing: free` endpoint. */
  function priceOf(endpoint: EndpointConfig, modelId: string): Price {
    return endpointBilling(endpoint) === 'free' ? FREE : priceFor(priceTable(endpoint), modelId).price;
  }

  /** The user's key for a user_provided endpoint (`none` without a user); null for an endpoint with its own key. */
  async function userKeyOf(endpoint: EndpointConfig, userId: string | undefined): Promise<UserKey | null> {
    if (!isUserProvided(endpoint)) return null;
    if (!userId || !userKeys) return { status: 'none' };
    return userKeys.get(userId, endpoint.id);
  }

  function modelInfo(endpoint: EndpointConfig, id: string): ModelInfo {
    const named = endpoint.models.find((m) => typeof m !== 'string' && m.id === id);
    const price = priceOf(endpoint, id);
    return {
      id,
      name: named && typeof named !== 'string' ? (named.name ?? id) : id,
      price: { input: price.input, output: price.output },
    };
  }

  return {
    /** Where the keys of `apiKey: user_provided` endpoints come from (the provider-keys routes attach it). */
    useUserKeys(store: UserKeyStore): void {
      userKeys = store;
    },

    /** The endpoints whose users bring their own key. */
    userProvidedEndpoints(): EndpointConfig[] {
      return endpoints.filter(isUserProvided);
    },

    /** Looks for Ollama on its default port once, so a local Ollama needs no configuration. */
    async discoverOllama(): Promise<void> {
      if (env.OLLAMA_BASE_URL || endpoints.some((e) => e.id === 'ollama')) return;
      const url = options.ollamaUrl ?? OLLAMA_DEFAULT_URL;
      try {
        const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(300) });
        if (response.ok) endpoints.push(ollamaEndpoint(url));
      } catch {
        // No Ollama here.
      }
    },

    /** What `userId` can chat with; user_provided endpoints say whether this user has saved a key. */
    async list(userId?: string): Promise<EndpointInfo[]> {
      const infos: EndpointInfo[] = await Promise.all(
        endpoints.map(async (endpoint) => {
          const key = await userKeyOf(endpoint, userId);
          const user = key?.status === 'set' && userId ? { id: userId, apiKey: key.apiKey } : undefined;
          return {
            id: endpoint.id,
            name: endpoint.name ?? endpoint.id,
            kind: endpoint.kind,
            models: (await modelIds(endpoint, user)).map((id) => modelInfo(endpoint, id)),
            userKey: key === null ? 'none' : key.status === 'set' ? 'set' : 'required',
          };
        }),
      );
      if (demoEnabled()) {
        const price = demoPrice();
        infos.push({
          id: DEMO_ENDPOINT_ID,
          name: 'Tessera Demo',
          kind: 'demo',
          models: [{ id: DEMO_MODEL_ID, name: 'Tessera Demo', price: { input: price.input, output: price.output } }],
          userKey: 'none',
        });
      }
      return infos;
    },

    /** The configured default, else the first model; an endpoint still waiting for this user's key comes last. */
    async defaultTarget(userId?: string): Promise<{ endpoint: string; model: string } | null> {
      const infos = await this.list(userId);
      if (config.chat.defaultEndpoint) {
        const endpoint = infos.find((e) => e.id === config.chat.defaultEndpoint);
        const model = config.chat.defaultModel ?? endpoint?.models[0]?.id;
        if (endpoint && model && endpoint.userKey !== 'required') return { endpoint: endpoint.id, model };
      }
      const first =
        infos.find((e) => e.models.length > 0 && e.userKey !== 'required') ?? infos.find((e) => e.models.length > 0);
      return first ? { endpoint: first.id, model: first.models[0]!.id } : null;
    },

    /** The rates of a model for billing, without its key or model list (null for an endpoint gone from the config). */
    priceOf(endpointId: string, modelId: string): Price | null {
      if (endpointId === DEMO_ENDPOINT_ID) return demoPrice();
      const endpoint = endpoints.find((e) => e.id === endpointId);
      return endpoint ? priceOf(endpoint, modelId) : null;
    },

    /**
     * The model to call; 400 when the endpoint or model is not offered to users. A user_provided endpoint is
     * called with `userId`'s own key, and without one fails with PROVIDER_KEY_REQUIRED before anything else.
     */
    async resolve(endpointId: string, modelId: string, userId?: string, needs: ModelNeeds = {}): Promise<Resolved> {
      if (endpointId === DEMO_ENDPOINT_ID && demoEnabled()) {
        if (modelId !== DEMO_MODEL_ID)
          throw new AppError('VALIDATION_ERROR', `Unknown model ${modelId}`, {
            fields: [{ field: 'model', message: 'Unknown model' }],
          });
        return {
          endpoint: null,
          endpointId,
          modelId,
          model: demoLanguageModel(config.chat.demoTokenDelayMs),
          price: demoPrice(),
          billing: 'credits',
          defaults: {},
        };
      }
      const endpoint = endpoints.find((e) => e.id === endpointId);
      if (!endpoint) {
        throw new AppError('VALIDATION_ERROR', `Unknown endpoint ${endpointId}`, {
          fields: [{ field: 'endpoint', message: 'Unknown endpoint' }],
        });
      }
      const key = await userKeyOf(endpoint, userId);
      if (key && key.status !== 'set') throw keyRequired(endpoint, key);
      const apiKey = key ? key.apiKey : endpoint.apiKey;
      const models = await modelIds(endpoint, key && userId ? { id: userId, apiKey: key.apiKey } : undefined);
      if (models.length > 0 && !models.includes(modelId)) {
        throw new AppError('VALIDATION_ERROR', `${endpoint.name ?? endpoint.id} does not offer ${modelId}`, {
          fields: [{ field: 'model', message: 'Unknown model' }],
        });
      }
      return {
        endpoint,
        endpointId,
        modelId,
        model: languageModelFor(endpoint, modelId, apiKey, needs),
        price: priceOf(endpoint, modelId),
        billing: endpointBilling(endpoint),
        defaults: endpoint.defaultParams,
      };
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
