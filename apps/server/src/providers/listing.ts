import { z } from 'zod';
import type { EndpointConfig } from '../config/schema.ts';

/** How long one model listing may take before the endpoint counts as unreachable. */
export const MODEL_LIST_TIMEOUT_MS = 5_000;
/** Anthropic and Gemini page their lists (up to 1000 a page); more pages than this are not asked for. */
const MODEL_LIST_MAX_PAGES = 10;

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
