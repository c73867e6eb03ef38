import type { EndpointConfig } from '../config/schema.ts';
import { OLLAMA_DEFAULT_URL, ollamaEndpoint } from './env.ts';

/** How long the start-up probe waits for a local Ollama: it is on this machine or not there at all. */
const OLLAMA_PROBE_TIMEOUT_MS = 300;

/**
 * A local Ollama as an endpoint, when one answers `GET /api/tags` at `url`; null otherwise. Asks nobody when the
 * operator already configured Ollama (OLLAMA_BASE_URL, or an endpoint with the id `ollama`).
 */
export async function discoverOllama(
  env: NodeJS.ProcessEnv,
  configured: readonly EndpointConfig[],
  url = OLLAMA_DEFAULT_URL,
): Promise<EndpointConfig | null> {
  if (env.OLLAMA_BASE_URL || configured.some((e) => e.id === 'ollama')) return null;
  try {
    const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(OLLAMA_PROBE_TIMEOUT_MS) });
    return response.ok ? ollamaEndpoint(url) : null;
  } catch {
    return null; // No Ollama here.
  }
}
