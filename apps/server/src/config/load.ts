import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, ENV_KEYS, type Config } from './schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Directory that relative paths (config file, data dir) are resolved against. */
  cwd?: string;
}

/** The directory the user ran npm in, so `./data` means the same from every workspace script. */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}

/** Reads tessera.yaml (or TESSERA_CONFIG) and the environment, validates, and resolves paths. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? invocationDir(env);
  const file = env.TESSERA_CONFIG ? path.resolve(cwd, env.TESSERA_CONFIG) : path.join(cwd, 'tessera.yaml');

  const raw = env.TESSERA_CONFIG || existsSync(file) ? readYaml(file, env) : {};
  const sources = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, key, value);
    sources.set(key, name);
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error, raw, sources, file));
  const config = result.data;
  config.database.dataDir = path.resolve(cwd, config.database.dataDir);
  return config;
}

function readYaml(file: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`The config file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed == null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`The config file ${file} must hold a mapping of keys at its top level`);
  }
  return interpolate(parsed, env) as Record<string, unknown>;
}

/** Replaces `${NAME}` in every string of the YAML with the environment variable NAME. */
function interpolate(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const replacement = env[name];
      if (replacement === undefined) throw new ConfigError(`The config file refers to \${${name}}, which is not set`);
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item) => interpolate(item, env));
  if (value && typeof value === 'object') {
    // A key left empty (every option below it commented out) means "not set", not null.
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, interpolate(v, env)]),
    );
  }
  return value;
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function describeIssues(
  error: z.ZodError,
  raw: Record<string, unknown>,
  sources: Map<string, string>,
  file: string,
): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    const from = sources.get(key) ? `environment variable ${sources.get(key)}` : file;
    const value = issue.path.reduce<unknown>((node, k) => (node as Record<PropertyKey, unknown>)?.[k], raw);
    const got = value === undefined || /secret|url|token/i.test(key) ? '' : ` (got ${JSON.stringify(value)})`;
    return `  - ${key} (from ${from}): ${issue.message}${got}`;
  });
  return `Invalid configuration:\n${lines.join('\n')}`;
}
