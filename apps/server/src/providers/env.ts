import type { EndpointConfig } from '../config/schema.ts';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const base = { headers: {}, defaultParams: {}, prices: {}, fetch: false } as const;

/** Providers enabled by their standard environment variables alone, without tessera.yaml. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): EndpointConfig[] {
  const endpoints: EndpointConfig[] = [];
  if (env.OPENAI_API_KEY) {
    const models = list(env.OPENAI_MODELS);
    endpoints.push({
      ...base,
      id: 'openai',
      kind: 'openai',
      name: 'OpenAI',
      apiKey: env.OPENAI_API_KEY,
      ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      models,
      fetch: models.length === 0,
    });
  }
  if (env.ANTHROPIC_API_KEY) {
    endpoints.push({
      ...base,
      id: 'anthropic',
      kind: 'anthropic',
      name: 'Anthropic',
      apiKey: env.ANTHROPIC_API_KEY,
      ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
      models: list(env.ANTHROPIC_MODELS).length
        ? list(env.ANTHROPIC_MODELS)
        : ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'],
    });
  }
  if (env.GOOGLE_GENERATIVE_AI_API_KEY) {
    endpoints.push({
      ...base,
      id: 'google',
      kind: 'google',
      name: 'Google Gemini',
      apiKey: env.GOOGLE_GENERATIVE_AI_API_KEY,
      ...(env.GOOGLE_GENERATIVE_AI_BASE_URL ? { baseURL: env.GOOGLE_GENERATIVE_AI_BASE_URL } : {}),
      models: list(env.GOOGLE_MODELS).length
        ? list(env.GOOGLE_MODELS)
        : ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'],
    });
  }
  // Azure: the AI SDK's names and the ones Azure's own samples use (AZURE_OPENAI_*). Its models are the
  // deployments, which no key can list here: without AZURE_DEPLOYMENTS the endpoint would be an empty group.
  const azureKey = env.AZURE_API_KEY || env.AZURE_OPENAI_API_KEY;
  const azureBaseURL = env.AZURE_BASE_URL || azureOpenAIBaseURL(env.AZURE_OPENAI_ENDPOINT);
  const azureVersion = env.AZURE_API_VERSION || env.AZURE_OPENAI_API_VERSION;
  const deployments = list(env.AZURE_DEPLOYMENTS);
  if (azureKey && (env.AZURE_RESOURCE_NAME || azureBaseURL) && deployments.length > 0) {
    endpoints.push({
      ...base,
      id: 'azure',
      kind: 'azure',
      name: 'Azure OpenAI',
      apiKey: azureKey,
      // The SDK ignores resourceName when given a baseURL; AZURE_RESOURCE_NAME wins over AZURE_OPENAI_ENDPOINT.
      ...(env.AZURE_RESOURCE_NAME ? { resourceName: env.AZURE_RESOURCE_NAME } : {}),
      ...(azureBaseURL && (env.AZURE_BASE_URL || !env.AZURE_RESOURCE_NAME) ? { baseURL: azureBaseURL } : {}),
      ...(azureVersion ? { apiVersion: azureVersion } : {}),
      models: deployments,
    });
  }
  const awsRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && awsRegion) {
    endpoints.push({
      ...base,
      id: 'bedrock',
      kind: 'bedrock',
      name: 'AWS Bedrock',
      region: awsRegion,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      models: list(env.BEDROCK_MODELS).length
        ? list(env.BEDROCK_MODELS)
        : ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'amazon.nova-pro-v1:0'],
    });
  }
  if (env.OLLAMA_BASE_URL) endpoints.push(ollamaEndpoint(env.OLLAMA_BASE_URL));
  return endpoints;
}

/**
 * AZURE_OPENAI_ENDPOINT is the resource's root (https://NAME.openai.azure.com/); the AI SDK's baseURL is the
 * URL prefix before /v1/… (https://NAME.openai.azure.com/openai). A URL already ending in /openai or /openai/v1
 * is kept as it is.
 */
export function azureOpenAIBaseURL(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  const root = endpoint.trim().replace(/\/+$/, '');
  return /\/openai(\/v1)?$/i.test(root) ? root : `${root}/openai`;
}

export function ollamaEndpoint(baseUrl: string): EndpointConfig {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  return {
    ...base,
    id: 'ollama',
    kind: 'openai-compatible',
    name: 'Ollama',
    baseURL: `${root}/v1`,
    models: [],
    fetch: true,
  };
}

export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';
