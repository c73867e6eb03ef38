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
import { DEFAULT_PRICES, FALLBACK_PRICE, priceFor } from '../billing/pricing.ts';
import { DEMO_ENDPOINT_ID, DEMO_MODEL_ID, demoLanguageModel } from './demo.ts';
import { endpointsFromEnv, OLLAMA_DEFAULT_URL, ollamaEndpoint } from './env.ts';

const MODEL_LIST_TTL_MS = 5 * 60_000;

/** A model ready to call, with its price and the endpoint's default parameters. */
export interface Resolved {
  endpoint: EndpointConfig | null;
  endpointId: string;
  modelId: string;
  model: LanguageModelV3;
  price: Price;
  defaults: ModelParams;
}

function languageModelFor(endpoint: EndpointConfig, modelId: string): LanguageModelV3 {
  const common = {
    apiKey: endpoint.apiKey,
    headers: endpoint.headers,
    ...(endpoint.baseURL ? { baseURL: endpoint.baseURL } : {}),
  };
  switch (endpoint.kind) {
    case 'openai':
      return createOpenAI(common)(modelId);
    case 'anthropic':
      return createAnthropic(common)(modelId);
    case 'google':
      return createGoogleGenerativeAI(common)(modelId);
    case 'azure':
      return createAzure({
        ...common,
        ...(endpoint.resourceName ? { resourceName: endpoint.resourceName } : {}),
        ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
      })(modelId);
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
        apiKey: endpoint.apiKey,
        headers: endpoint.headers,
        includeUsage: true,
      }).chatModel(modelId);
  }
}

/** The endpoints of the config file and the environment, each model priced, plus the demo when it applies. */
export function createProviderRegistry(config: Config, env: NodeJS.ProcessEnv = process.env) {
  const fromFile = new Set(config.endpoints.map((e) => e.id));
  const endpoints = [...config.endpoints, ...endpointsFromEnv(env).filter((e) => !fromFile.has(e.id))];
  const fetched = new Map<string, { at: number; models: string[] }>();
  const priceTable = (endpoint: EndpointConfig | null) => ({
    overrides: endpoint?.prices,
    prices: { ...DEFAULT_PRICES, ...config.billing.prices },
    fallback: config.billing.defaultPrice ?? FALLBACK_PRICE,
  });

  const demoEnabled = () => config.chat.demo === 'on' || (config.chat.demo === 'auto' && endpoints.length === 0);
  const demoPrice = (): Price => priceFor(priceTable(null), DEMO_MODEL_ID).price;

  async function modelIds(endpoint: EndpointConfig): Promise<string[]> {
    const configured = endpoint.models.map((m) => (typeof m === 'string' ? m : m.id));
    if (!endpoint.fetch) return configured;
    const cached = fetched.get(endpoint.id);
    if (cached && Date.now() - cached.at < MODEL_LIST_TTL_MS) return cached.models;
    try {
      const base = (endpoint.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
      const response = await fetch(`${base}/models`, {
        headers: { ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}), ...endpoint.headers },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const body = (await response.json()) as { data?: { id: string }[] };
      const models = [...new Set([...configured, ...(body.data ?? []).map((m) => m.id)])].sort();
      fetched.set(endpoint.id, { at: Date.now(), models });
      return models;
    } catch {
      // An unreachable endpoint keeps its configured models (or none) until the next look.
      return cached?.models ?? configured;
    }
  }

  function modelInfo(endpoint: EndpointConfig, id: string): ModelInfo {
    const named = endpoint.models.find((m) => typeof m !== 'string' && m.id === id);
    const { price } = priceFor(priceTable(endpoint), id);
    return {
      id,
      name: named && typeof named !== 'string' ? (named.name ?? id) : id,
      price: { input: price.input, output: price.output },
    };
  }

  return {
    /** Looks for Ollama on its default port once, so a local Ollama needs no configuration. */
    async discoverOllama(): Promise<void> {
      if (env.OLLAMA_BASE_URL || endpoints.some((e) => e.id === 'ollama')) return;
      try {
        const response = await fetch(`${OLLAMA_DEFAULT_URL}/api/tags`, { signal: AbortSignal.timeout(300) });
        if (response.ok) endpoints.push(ollamaEndpoint(OLLAMA_DEFAULT_URL));
      } catch {
        // No Ollama here.
      }
    },

    async list(): Promise<EndpointInfo[]> {
      const infos: EndpointInfo[] = await Promise.all(
        endpoints.map(async (endpoint) => ({
          id: endpoint.id,
          name: endpoint.name ?? endpoint.id,
          kind: endpoint.kind,
          models: (await modelIds(endpoint)).map((id) => modelInfo(endpoint, id)),
        })),
      );
      if (demoEnabled()) {
        const price = demoPrice();
        infos.push({
          id: DEMO_ENDPOINT_ID,
          name: 'Tessera Demo',
          kind: 'demo',
          models: [{ id: DEMO_MODEL_ID, name: 'Tessera Demo', price: { input: price.input, output: price.output } }],
        });
      }
      return infos;
    },

    async defaultTarget(): Promise<{ endpoint: string; model: string } | null> {
      const infos = await this.list();
      if (config.chat.defaultEndpoint) {
        const endpoint = infos.find((e) => e.id === config.chat.defaultEndpoint);
        const model = config.chat.defaultModel ?? endpoint?.models[0]?.id;
        if (endpoint && model) return { endpoint: endpoint.id, model };
      }
      const first = infos.find((e) => e.models.length > 0);
      return first ? { endpoint: first.id, model: first.models[0]!.id } : null;
    },

    /** The model to call; 400 when the endpoint or model is not offered to users. */
    async resolve(endpointId: string, modelId: string): Promise<Resolved> {
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
          defaults: {},
        };
      }
      const endpoint = endpoints.find((e) => e.id === endpointId);
      if (!endpoint) {
        throw new AppError('VALIDATION_ERROR', `Unknown endpoint ${endpointId}`, {
          fields: [{ field: 'endpoint', message: 'Unknown endpoint' }],
        });
      }
      const models = await modelIds(endpoint);
      if (models.length > 0 && !models.includes(modelId)) {
        throw new AppError('VALIDATION_ERROR', `${endpoint.name ?? endpoint.id} does not offer ${modelId}`, {
          fields: [{ field: 'model', message: 'Unknown model' }],
        });
      }
      return {
        endpoint,
        endpointId,
        modelId,
        model: languageModelFor(endpoint, modelId),
        price: priceFor(priceTable(endpoint), modelId).price,
        defaults: endpoint.defaultParams,
      };
    },
  };
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;
