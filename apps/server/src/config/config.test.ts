import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';

function dirWith(yaml?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-config-'));
  if (yaml !== undefined) writeFileSync(path.join(dir, 'tessera.yaml'), yaml);
  return dir;
}

describe('configuration', () => {
  it('has working defaults with no file and no environment', () => {
    const cwd = dirWith();
    const config = loadConfig({ env: {}, cwd });
    expect(config.server).toMatchObject({ port: 3080, host: 'localhost', trustProxy: false });
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe(path.join(cwd, 'data'));
    expect(config.auth).toMatchObject({ allowRegistration: true, passwordMinLength: 8 });
  });

  it('reads tessera.yaml, interpolates ${ENV}, and lets the environment win', () => {
    const cwd = dirWith(
      'server:\n  port: 4000\n  host: 0.0.0.0\nauth:\n  secret: ${MY_SECRET}\n  allowRegistration: false\n',
    );
    const secret = 's'.repeat(40);
    const config = loadConfig({ env: { MY_SECRET: secret, PORT: '5000', TESSERA_DATA_DIR: 'store' }, cwd });
    expect(config.server).toMatchObject({ port: 5000, host: '0.0.0.0' });
    expect(config.auth).toMatchObject({ secret, allowRegistration: false });
    expect(config.database.dataDir).toBe(path.join(cwd, 'store'));
  });

  it('reads the file named by TESSERA_CONFIG', () => {
    const cwd = dirWith();
    writeFileSync(path.join(cwd, 'other.yaml'), 'log:\n  level: debug\n');
    expect(loadConfig({ env: { TESSERA_CONFIG: 'other.yaml' }, cwd }).log.level).toBe('debug');
    expect(() => loadConfig({ env: { TESSERA_CONFIG: 'missing.yaml' }, cwd })).toThrow(
      /Cannot read the config file .*missing\.yaml/,
    );
  });

  it.each([
    [{ PORT: 'abc' }, undefined, /server\.port \(from environment variable PORT\): .*number.* \(got "abc"\)/],
    [{ PORT: '70000' }, undefined, /server\.port .*65535/],
    [
      { ALLOW_REGISTRATION: 'maybe' },
      undefined,
      /auth\.allowRegistration \(from environment variable ALLOW_REGISTRATION\)/,
    ],
    [{ DATABASE_URL: 'mysql://x' }, undefined, /database\.url .*postgres:\/\//],
    [{ TESSERA_SECRET: 'short' }, undefined, /auth\.secret .*at least 32 characters/],
    [{}, 'server:\n  prot: 1\n', /server \(from .*tessera\.yaml\): .*prot/],
    [{}, 'log:\n  level: loud\n', /log\.level \(from .*tessera\.yaml\)/],
    [{}, 'auth: [1, 2', /not valid YAML/],
    [{}, 'auth:\n  secret: ${NOT_SET_ANYWHERE}\n', /refers to \$\{NOT_SET_ANYWHERE\}, which is not set/],
  ])('refuses %o / %j with a message naming the key', (env, yaml, message) => {
    const cwd = dirWith(yaml);
    expect(() => loadConfig({ env, cwd })).toThrow(ConfigError);
    expect(() => loadConfig({ env, cwd })).toThrow(message);
  });

  it('accepts tessera.example.yaml as it ships', () => {
    const example = fileURLToPath(new URL('../../../../tessera.example.yaml', import.meta.url));
    const config = loadConfig({ env: { TESSERA_CONFIG: example }, cwd: dirWith() });
    expect(config.billing).toMatchObject({ startBalance: 20_000, claim: { amount: 20_000, cooldownHours: 24 } });
  });

  it('accepts endpoints whose users bring their own key, with a billing choice', () => {
    const cwd = dirWith(
      [
        'endpoints:',
        '  - { id: byok, kind: openai, apiKey: user_provided, models: [gpt-4o] }',
        '  - { id: byok-billed, kind: anthropic, apiKey: user_provided, billing: credits }',
        '  - { id: house, kind: openai-compatible, apiKey: sk-house, billing: free }',
        '',
      ].join('\n'),
    );
    const [byok, billed, house] = loadConfig({ env: {}, cwd }).endpoints;
    expect(byok).toMatchObject({ id: 'byok', apiKey: 'user_provided', models: ['gpt-4o'] });
    expect(byok!.billing).toBeUndefined(); // free: see endpointBilling
    expect(billed).toMatchObject({ apiKey: 'user_provided', billing: 'credits' });
    expect(house).toMatchObject({ apiKey: 'sk-house', billing: 'free' });
  });

  it.each([
    ['endpoints:\n  - { id: aws, kind: bedrock, apiKey: user_provided }\n', /endpoints\.0\.apiKey .*bedrock/],
    ['endpoints:\n  - { id: e, kind: openai, billing: later }\n', /endpoints\.0\.billing/],
  ])('refuses %j', (yaml, message) => {
    expect(() => loadConfig({ env: {}, cwd: dirWith(yaml) })).toThrow(message);
  });

  it('never prints a secret value in an error', () => {
    const cwd = dirWith();
    expect(() => loadConfig({ env: { TESSERA_SECRET: 'hunter2' }, cwd })).toThrow(/^(?![\s\S]*hunter2)/);
  });
});
