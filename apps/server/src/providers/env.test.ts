import { generateText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../../../tools/fake-llm/server.ts';
import { configSchema, type ConfigInput } from '../config/schema.ts';
import { azureOpenAIBaseURL, endpointsFromEnv } from './env.ts';
import { createProviderRegistry, type ProviderRegistryOptions } from './registry.ts';

const only = (env: NodeJS.ProcessEnv) => endpointsFromEnv(env);

function registry(env: NodeJS.ProcessEnv, options: ProviderRegistryOptions = {}, config: ConfigInput = {}) {
  return createProviderRegistry(configSchema.parse({ chat: { demo: 'off' }, ...config }), env, options);
}

describe('endpoints from the environment', () => {
  it('OpenAI: the key alone lists the models from /models; a base URL and a model list are used as given', () => {
    expect(only({ OPENAI_API_KEY: 'sk-1' })).toEqual([
      expect.objectContaining({ id: 'openai', kind: 'openai', apiKey: 'sk-1', models: [], fetch: true }),
    ]);
    expect(only({ OPENAI_API_KEY: 'sk-1' })[0]).not.toHaveProperty('baseURL');
    expect(
      only({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'https://gw.example/v1', OPENAI_MODELS: ' gpt-4o, o3 ,' }),
    ).toEqual([expect.objectContaining({ baseURL: 'https://gw.example/v1', models: ['gpt-4o', 'o3'], fetch: false })]);
  });

  it('Anthropic and Google: the key, an optional base URL, built-in model lists unless given', () => {
    expect(only({ ANTHROPIC_API_KEY: 'a-1' })).toEqual([
      expect.objectContaining({
        id: 'anthropic',
        kind: 'anthropic',
        apiKey: 'a-1',
        fetch: false,
        models: expect.arrayContaining(['claude-sonnet-4-5']),
      }),
    ]);
    expect(
      only({ ANTHROPIC_API_KEY: 'a-1', ANTHROPIC_BASE_URL: 'https://proxy.example/v1', ANTHROPIC_MODELS: 'c1' }),
    ).toEqual([expect.objectContaining({ baseURL: 'https://proxy.example/v1', models: ['c1'] })]);
    expect(only({ GOOGLE_GENERATIVE_AI_API_KEY: 'g-1' })).toEqual([
      expect.objectContaining({
        id: 'google',
        kind: 'google',
        apiKey: 'g-1',
        models: expect.arrayContaining(['gemini-2.5-flash']),
      }),
    ]);
    expect(only({ GOOGLE_GENERATIVE_AI_API_KEY: 'g-1', GOOGLE_MODELS: 'gemini-x' })[0]!.models).toEqual(['gemini-x']);
  });

  it('Azure: needs its deployments, and reads the AZURE_OPENAI_* names too', () => {
    // Without deployments there is nothing to offer: no empty group in the picker.
    expect(only({ AZURE_API_KEY: 'z', AZURE_RESOURCE_NAME: 'res' })).toEqual([]);
    expect(only({ AZURE_OPENAI_API_KEY: 'z', AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/' })).toEqual([]);
    expect(only({ AZURE_DEPLOYMENTS: 'dep' })).toEqual([]);

    const [byResource] = only({ AZURE_API_KEY: 'z', AZURE_RESOURCE_NAME: 'res', AZURE_DEPLOYMENTS: 'dep-a, dep-b' });
    expect(byResource).toMatchObject({ id: 'azure', kind: 'azure', apiKey: 'z', resourceName: 'res' });
    expect(byResource!.models).toEqual(['dep-a', 'dep-b']);
    expect(byResource).not.toHaveProperty('baseURL');

    expect(
      only({
        AZURE_OPENAI_API_KEY: 'z2',
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com/',
        AZURE_OPENAI_API_VERSION: '2025-04-01-preview',
        AZURE_DEPLOYMENTS: 'dep',
      }),
    ).toEqual([
      expect.objectContaining({
        apiKey: 'z2',
        baseURL: 'https://res.openai.azure.com/openai',
        apiVersion: '2025-04-01-preview',
        models: ['dep'],
      }),
    ]);
    // The SDK's own names win over Azure's; AZURE_BASE_URL keeps working as before.
    expect(
      only({
        AZURE_API_KEY: 'sdk',
        AZURE_OPENAI_API_KEY: 'azure',
        AZURE_BASE_URL: 'https://gw.example/openai',
        AZURE_OPENAI_ENDPOINT: 'https://res.openai.azure.com',
        AZURE_API_VERSION: 'v1',
        AZURE_OPENAI_API_VERSION: 'old',
        AZURE_DEPLOYMENTS: 'dep',
      }),
    ).toEqual([expect.objectContaining({ apiKey: 'sdk', baseURL: 'https://gw.example/openai', apiVersion: 'v1' })]);
    expect(
      only({
        AZURE_API_KEY: 'z',
        AZURE_RESOURCE_NAME: 'res',
        AZURE_OPENAI_ENDPOINT: 'https://other.openai.azure.com',
        AZURE_DEPLOYMENTS: 'dep',
      })[0],
    ).not.toHaveProperty('baseURL');
  });

  it.each([
    ['https://res.openai.azure.com/', 'https://res.openai.azure.com/openai'],
    ['https://res.cognitiveservices.azure.com', 'https://res.cognitiveservices.azure.com/openai'],
    ['https://res.openai.azure.com/openai/', 'https://res.openai.azure.com/openai'],
    ['https://res.openai.azure.com/openai/v1', 'https://res.openai.azure.com/openai/v1'],
  ])('AZURE_OPENAI_ENDPOINT %s → baseURL %s', (endpoint, baseURL) => {
    expect(azureOpenAIBaseURL(endpoint)).toBe(baseURL);
  });

  it('Bedrock: AWS_REGION, else AWS_DEFAULT_REGION; nothing without a region', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
    expect(only(keys)).toEqual([]);
    expect(only({ ...keys, AWS_DEFAULT_REGION: 'eu-west-1' })).toEqual([
      expect.objectContaining({ id: 'bedrock', kind: 'bedrock', region: 'eu-west-1', accessKeyId: 'AKID' }),
    ]);
    expect(only({ ...keys, AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'eu-west-1' })[0]!.region).toBe('us-east-1');
    expect(
      only({ ...keys, AWS_REGION: 'us-east-1', AWS_SESSION_TOKEN: 'tok', BEDROCK_MODELS: 'amazon.nova-lite-v1:0' }),
    ).toEqual([expect.objectContaining({ sessionToken: 'tok', models: ['amazon.nova-lite-v1:0'] })]);
  });

  it.each(['http://gpu:11434', 'http://gpu:11434/', 'http://gpu:11434/v1', 'http://gpu:11434/v1/'])(
    'OLLAMA_BASE_URL %s → an OpenAI-compatible endpoint on /v1 that lists its models',
    (url) => {
      expect(only({ OLLAMA_BASE_URL: url })).toEqual([
        expect.objectContaining({
          id: 'ollama',
          kind: 'openai-compatible',
          baseURL: 'http://gpu:11434/v1',
          fetch: true,
        }),
      ]);
    },
  );
});

describe('environment endpoints against the fake provider', () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm({ models: ['gpt-4o', 'text-embedding-3-small', 'whisper-1', 'llama3.2'] });
  });
  afterAll(async () => {
    await fake.close();
  });
  afterEach(() => fake.reset());

  it('OPENAI_API_KEY + OPENAI_BASE_URL: lists the chat models of that host with that key', async () => {
    const providers = registry({ OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: `${fake.url}/v1` });
    const [openai] = await providers.list();
    expect(openai!.models.map((m) => m.id)).toEqual(['gpt-4o', 'llama3.2']);
    expect(fake.requests).toEqual([expect.objectContaining({ path: '/v1/models', apiKey: 'sk-env', status: 200 })]);
  });

  it('AZURE_OPENAI_ENDPOINT: replies come from that host with the api-key header', async () => {
    const providers = registry({
      AZURE_OPENAI_API_KEY: 'az-key',
      AZURE_OPENAI_ENDPOINT: `${fake.url}/`,
      AZURE_DEPLOYMENTS: 'my-deployment',
    });
    const { model } = await providers.resolve('azure', 'my-deployment');
    const { text } = await generateText({ model, prompt: 'Hello', maxOutputTokens: 50 });
    expect(text).toMatch(/^Fake reply/);
    expect(fake.requests).toEqual([
      expect.objectContaining({ protocol: 'azure-responses', path: '/openai/responses', apiKey: 'az-key' }),
    ]);
  });

  it('discoverOllama picks up an Ollama answering /api/tags, and lists its models', async () => {
    const providers = registry({}, { ollamaUrl: fake.url });
    expect(await providers.list()).toEqual([]);
    await providers.discoverOllama();
    const [ollama] = await providers.list();
    expect(ollama).toMatchObject({ id: 'ollama', kind: 'openai-compatible' });
    // An OpenAI-compatible server keeps every model it lists.
    expect(ollama!.models.map((m) => m.id)).toEqual(['gpt-4o', 'llama3.2', 'text-embedding-3-small', 'whisper-1']);
    expect(fake.requests.map((r) => r.path)).toEqual(['/api/tags', '/v1/models']);
  });

  it('discoverOllama asks nobody when OLLAMA_BASE_URL or an ollama endpoint is configured', async () => {
    const fromEnv = registry({ OLLAMA_BASE_URL: 'http://127.0.0.1:9' }, { ollamaUrl: fake.url });
    await fromEnv.discoverOllama();
    const fromFile = registry(
      {},
      { ollamaUrl: fake.url },
      { endpoints: [{ id: 'ollama', kind: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', models: ['m'] }] },
    );
    await fromFile.discoverOllama();
    expect(fake.requests).toEqual([]);
    expect((await fromFile.list()).map((e) => e.id)).toEqual(['ollama']);
  });

  it('discoverOllama adds nothing when nothing answers', async () => {
    const closed = await startFakeLlm();
    const url = closed.url;
    await closed.close();
    const providers = registry({}, { ollamaUrl: url });
    await providers.discoverOllama();
    expect(await providers.list()).toEqual([]);
  });
});
