import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { EndpointInfo } from '@tessera/shared';
import type { Price } from '../config/schema.ts';
import { countTokens, splitTokens } from './tokenizer.ts';

export const DEMO_ENDPOINT_ID = 'tessera-demo';
export const DEMO_MODEL_ID = 'tessera-demo';

/** The demo as the model picker lists it. */
export function demoEndpointInfo(price: Price): EndpointInfo {
  return {
    id: DEMO_ENDPOINT_ID,
    name: 'Tessera Demo',
    kind: 'demo',
    models: [{ id: DEMO_MODEL_ID, name: 'Tessera Demo', price: { input: price.input, output: price.output } }],
    userKey: 'none',
  };
}

function promptText(prompt: LanguageModelV3Prompt): string {
  return prompt
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => (part.type === 'text' ? part.text : '')).join(''),
    )
    .join('\n');
}

function lastUserText(prompt: LanguageModelV3Prompt): string {
  const last = [...prompt].reverse().find((m) => m.role === 'user');
  if (!last || typeof last.content === 'string') return '';
  return last.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join(' ')
    .trim();
}

/** The demo's answer: it says what it is, quotes the question and explains how to add a real model. */
export function demoReply(question: string): string {
  const quoted = question.length > 300 ? `${question.slice(0, 300)}…` : question;
  return [
    "Hello! I'm the **Tessera demo model**, built into this server so you can try it before any AI provider is set up. I don't call a real model, so I can't actually answer.",
    '',
    `You asked: "${quoted.replaceAll('\n', ' ')}"`,
    '',
    'To chat with a real model, give Tessera a provider key and restart it, for example:',
    '',
    '```sh',
    'OPENAI_API_KEY=sk-... npm start',
    '```',
    '',
    'Anthropic (`ANTHROPIC_API_KEY`), Google Gemini (`GOOGLE_GENERATIVE_AI_API_KEY`), Azure, AWS Bedrock, Ollama (`OLLAMA_BASE_URL`) and any OpenAI-compatible endpoint work too: list them under `endpoints:` in `tessera.yaml` (see `docs/configuration.md`).',
  ].join('\n');
}

function usage(input: number, output: number): LanguageModelV3Usage {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A language model that needs no network: deterministic, with real token counts. */
export function demoLanguageModel(tokenDelayMs: number): LanguageModelV3 {
  const answer = async (options: LanguageModelV3CallOptions) => {
    const tokens = splitTokens(demoReply(lastUserText(options.prompt)));
    const limit = options.maxOutputTokens ?? Infinity;
    return {
      tokens: tokens.slice(0, limit),
      cut: tokens.length > limit,
      inputTokens: await countTokens(promptText(options.prompt)),
    };
  };

  return {
    specificationVersion: 'v3',
    provider: 'tessera-demo',
    modelId: DEMO_MODEL_ID,
    supportedUrls: {},
    async doGenerate(options) {
      const { tokens, cut, inputTokens } = await answer(options);
      return {
        content: [{ type: 'text', text: tokens.join('') }],
        finishReason: { unified: cut ? 'length' : 'stop', raw: cut ? 'length' : 'stop' },
        usage: usage(inputTokens, tokens.length),
        warnings: [],
      };
    },
    async doStream(options) {
      const { tokens, cut, inputTokens } = await answer(options);
      const signal = options.abortSignal;
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async start(controller) {
          controller.enqueue({ type: 'stream-start', warnings: [] });
          controller.enqueue({ type: 'text-start', id: 'demo' });
          try {
            for (const token of tokens) {
              if (tokenDelayMs > 0) await sleep(tokenDelayMs, signal);
              else if (signal?.aborted) throw signal.reason;
              controller.enqueue({ type: 'text-delta', id: 'demo', delta: token });
            }
          } catch (error) {
            controller.error(error);
            return;
          }
          controller.enqueue({ type: 'text-end', id: 'demo' });
          controller.enqueue({
            type: 'finish',
            finishReason: { unified: cut ? 'length' : 'stop', raw: cut ? 'length' : 'stop' },
            usage: usage(inputTokens, tokens.length),
          });
          controller.close();
        },
      });
      return { stream };
    },
  };
}
