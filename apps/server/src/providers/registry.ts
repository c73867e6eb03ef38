import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createAzure } from '@ai-sdk/azure';
import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EndpointInfo, ModelInfo, ModelParams } from '@tessera/shared';
import type { Config, EndpointConfig, Price } from '../config/schema.ts';
import { AppError } from '../http/errors.ts';
import { DEMO_ENDPOINT_ID, DEMO_MODEL_ID, demoEndpointInfo, demoLanguageModel } from './demo.ts';
import { discoverOllama } from './discovery.ts';
import { endpointsFromEnv } from './env.ts';
import { createModelLists } from './models.ts';
import { createPrices } from './prices.ts';
import { endpointBilling, isUserProvided, type UserKey, type UserKeyStore } from './user-keys.ts';

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
  /**
   * Where the keys of `apiKey: user_provided` endpoints come from: the same store the provider-keys routes save
   * into. Without one, no user has a key, and such endpoints offer their configured models and refuse to answer.
   */
  userKeys?: Pick<UserKeyStore, 'get'> | null;
  /** Where `discoverOllama` looks (default http://127.0.0.1:11434). */
  ollamaUrl?: string;
  /** How long one model listing may take (default 5 s). */
  modelListTimeoutMs?: number;
  /** The clock of the model-list caches, in milliseconds above 0 (tests). */
  now?: () => number;
}

/** The endpoints of the config file and the environment, each model priced, plus the demo when it applies. */
export function createProviderRegistry(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  options: ProviderRegistryOptions = {},
) {
  const fromFile = new Set(config.endpoints.map((e) => e.id));
  const endpoints = [...config.endpoints, ...endpointsFromEnv(env).filter((e) => !fromFile.has(e.id))];
  const userKeys = options.userKeys ?? null;
  const models = createModelLists({ timeoutMs: options.modelListTimeoutMs, now: options.now });
  const prices = createPrices(config);

  const demoEnabled = () => config.chat.demo === 'on' || (config.chat.demo === 'auto' && endpoints.length === 0);

  /** The user's key for a user_provided endpoint (`none` without a user); null for an endpoint with its own key. */
  async function userKeyOf(endpoint: EndpointConfig, userId: string | undefined): Promise<UserKey | null> {
    if (!isUserProvided(endpoint)) return null;
    if (!userId || !userKeys) return { status: 'none' };
    return userKeys.get(userId, endpoint.id);
  }

  function modelInfo(endpoint: EndpointConfig, id: string): ModelInfo {
    const named = endpoint.models.find((m) => typeof m !== 'string' && m.id === id);
    const price = prices.of(endpoint, id);
    return {
      id,
      name: named && typeof named !== 'string' ? (named.name ?? id) : id,
      price: { input: price.input, output: price.output },
    };
  }

  return {
    /** The endpoints whose users bring their own key. */
    userProvidedEndpoints(): EndpointConfig[] {
      return endpoints.filter(isUserProvided);
    },

    /** Looks for Ollama on its default port once, so a local Ollama needs no configuration. */
    async discoverOllama(): Promise<void> {
      const ollama = await discoverOllama(env, endpoints, options.ollamaUrl);
      if (ollama && !endpoints.some((e) => e.id === ollama.id)) endpoints.push(ollama);
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
            models: (await models.of(endpoint, user)).map((id) => modelInfo(endpoint, id)),
            userKey: key === null ? 'none' : key.status === 'set' ? 'set' : 'required',
          };
        }),
      );
      if (demoEnabled()) infos.push(demoEndpointInfo(prices.demo()));
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
      if (endpointId === DEMO_ENDPOINT_ID) return prices.demo();
      const endpoint = endpoints.find((e) => e.id === endpointId);
      return endpoint ? prices.of(endpoint, modelId) : null;
    },

    /**
     * The model to call; 400 when the endpoint or model is not offered to users. A user_provided endpoint is
     * called with `userId`'s own key, and without one fails with PROVIDER_KEY_REQUIRED before anything else.
     */
    async resolve(endpointId: string, modelId: string, userId?: string, needs: ModelNeeds = {}): Promise<Resolved> {
      if (endpointId === DEMO_ENDPOINT_ID && demoEnabled()) {
        if (modelId !== DEMO_MODEL_ID)
          throw new AppError('VALIDATION_ERROR', `Unknown model ${modelId}`, {
            fields: [{ field: 'model', message: 'Unknown model', code: 'unknown' }],
          });
        return {
          endpoint: null,
          endpointId,
          modelId,
          model: demoLanguageModel(config.chat.demoTokenDelayMs),
          price: prices.demo(),
          billing: 'credits',
          defaults: {},
        };
      }
      const endpoint = endpoints.find((e) => e.id === endpointId);
      if (!endpoint) {
        throw new AppError('VALIDATION_ERROR', `Unknown endpoint ${endpointId}`, {
          fields: [{ field: 'endpoint', message: 'Unknown endpoint', code: 'unknown' }],
        });
      }
      const key = await userKeyOf(endpoint, userId);
      if (key && key.status !== 'set') throw keyRequired(endpoint, key);
      const apiKey = key ? key.apiKey : endpoint.apiKey;
      const offered = await models.of(endpoint, key && userId ? { id: userId, apiKey: key.apiKey } : undefined);
      if (offered.length > 0 && !offered.includes(modelId)) {
        throw new AppError('VALIDATION_ERROR', `${endpoint.name ?? endpoint.id} does not offer ${modelId}`, {
          fields: [{ field: 'model', message: 'Unknown model', code: 'unknown' }],
        });
      }
      return {
        endpoint,
        endpointId,
        modelId,
        model: languageModelFor(endpoint, modelId, apiKey, needs),
        price: prices.of(endpoint, modelId),
        billing: endpointBilling(endpoint),
        defaults: endpoint.defaultParams,
      };
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
