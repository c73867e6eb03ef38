/**
 * Run the fake LLM provider until killed:
 *
 *   node --import tsx tools/fake-llm/main.ts --port 4010 [--host 127.0.0.1] [--tokens 20] [--delay-ms 0]
 *     [--first-token-delay-ms 0] [--fail 429] [--fail-times 1] [--retry-after 1] [--cut-after 10]
 *     [--text "exact reply"] [--thinking 0] [--cached 0] [--seed 7] [--models gpt-4o-mini,fake-model]
 *
 * Prints its URL on the first line of stdout.
 */
import { parseArgs } from 'node:util';
import type { Behaviour } from './behaviour.ts';
import { setBehaviourValue } from './behaviour.ts';
import { startFakeLlm } from './server.ts';

const FLAGS = {
  tokens: 'tokens',
  'delay-ms': 'delayMs',
  'first-token-delay-ms': 'firstTokenDelayMs',
  fail: 'fail',
  'fail-times': 'failTimes',
  'retry-after': 'retryAfter',
  'cut-after': 'cutAfter',
  text: 'text',
  thinking: 'thinking',
  cached: 'cached',
  seed: 'seed',
} as const;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    models: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
  },
});

if (values.help) {
  console.log(
    `usage: node --import tsx tools/fake-llm/main.ts [--port 4010] [--host 127.0.0.1] [--models a,b] ${Object.keys(
      FLAGS,
    )
      .map((f) => `[--${f} V]`)
      .join(' ')}`,
  );
  process.exit(0);
}

const defaults: Partial<Behaviour> = {};
for (const [flag, key] of Object.entries(FLAGS)) {
  const value = (values as Record<string, unknown>)[flag];
  if (typeof value === 'string') setBehaviourValue(defaults, key, value);
}

const fake = await startFakeLlm({
  port: Number(values.port),
  host: values.host,
  defaults,
  ...(values.models !== undefined && { models: values.models.split(',').filter(Boolean) }),
});
console.log(fake.url);

const stop = () => {
  void fake.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
