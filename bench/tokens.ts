// npm run bench:tokens — how long the worst inputs for token counting hold the event loop: the largest
// chat messages and /v1 requests Tessera accepts, sent through the app in-process (the built-in demo
// model, so no provider counts them too), while the event loop's delay and /api/health are measured.
// Before the fix the tokenizer ran gpt-tokenizer's encode on the whole text, quadratic in a run
// without pre-token breaks; that is timed directly on smaller inputs and extrapolated.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { clearMergeCache, encode } from 'gpt-tokenizer/encoding/o200k_base';
import Fastify, { type FastifyInstance } from 'fastify';
import { signedInApp } from './signed-in-app.ts';
import { configSchema } from '../apps/server/src/config/schema.ts';
import { openDatabase, type DatabaseTarget } from '../apps/server/src/db/client.ts';
import { countTokens } from '../apps/server/src/providers/tokenizer.ts';
import { postgresTestDatabase } from '../apps/server/src/test/databases.ts';
import { parseEvents } from '../apps/server/src/test/sse.ts';

const TARGET_MS = 50;
/** The longest chat message the shared schema accepts (packages/shared/src/chat.ts, `content`). */
const CHAT_CONTENT_MAX = 200_000;
const CJK =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研';
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Random text from an alphabet (seeded): no repeated piece lets gpt-tokenizer's merge cache help. */
function randomText(alphabet: string, length: number, seed = 7): string {
  let state = seed;
  const out: string[] = new Array(length);
  for (let i = 0; i < length; i += 1) {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    out[i] = alphabet[state % alphabet.length]!;
  }
  return out.join('');
}

const config = configSchema.parse({
  log: { level: 'silent' },
  billing: { startBalance: 1_000_000_000 },
  chat: { demoTokenDelayMs: 0, titles: false },
});
// A /v1 body within the body limit: JSON overhead plus the text, 3 bytes per CJK character in UTF-8.
const cjkV1Chars = Math.min(config.openaiApi.maxRequestChars, Math.floor((config.server.bodyLimit - 200) / 3));
const lettersV1Chars = Math.min(config.openaiApi.maxRequestChars, config.server.bodyLimit - 200);
const inputs = {
  letters: randomText(LETTERS, 200_000),
  cjk: randomText(CJK, CHAT_CONTENT_MAX, 11),
  cjkV1: randomText(CJK, cjkV1Chars, 13),
  lettersV1: randomText(LETTERS, lettersV1Chars, 17),
};

/** Runs `work` while measuring the event loop's delay and the slowest /api/health answer of `app`. */
async function measure<T>(app: FastifyInstance, work: () => Promise<T>) {
  clearMergeCache(); // every measured input is new text, as an attacker's would be
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let health = 0;
  const probe = setInterval(() => {
    const sent = performance.now();
    void app.inject({ url: '/api/health' }).then(() => (health = Math.max(health, performance.now() - sent)));
  }, 10);
  delay.enable();
  const started = performance.now();
  const result = await work();
  const total = performance.now() - started;
  delay.disable();
  clearInterval(probe);
  return { result, total, delayMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, health };
}

type Row = { label: string; chars: number; total: number; delayMs: number; p99Ms: number; health: number };

function print(title: string, rows: Row[]) {
  console.log(`\n${title}\n`);
  console.log('| input | characters | ms | event-loop delay max / p99 ms | slowest /api/health ms |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.chars.toLocaleString('en')} | ${r.total.toFixed(0)} | ${r.delayMs.toFixed(1)} / ${r.p99Ms.toFixed(1)} | ${r.health.toFixed(1)} |`,
    );
  }
  const worst = Math.max(...rows.map((r) => r.delayMs));
  console.log(`\nLargest event-loop delay: ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms)`);
}

/** The worst inputs through the whole app on one database. */
async function throughApp(target: DatabaseTarget, name: string): Promise<void> {
  const database = await openDatabase(target);
  await database.migrate();
  const { app, headers } = await signedInApp(database, config, 'tokens@example.com');
  const { key } = (await app.inject({ method: 'POST', url: '/api/keys', headers, payload: { name: 'b' } })).json();
  const demo = { endpoint: 'tessera-demo', model: 'tessera-demo' };
  const send = (content: string, conversationId?: string, parentId: string | null = null) =>
    app.inject({
      method: 'POST',
      url: '/api/chat',
      headers,
      payload: { action: 'send', ...(conversationId ? { conversationId } : {}), parentId, content, ...demo },
    });
  const complete = (content: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}` },
      payload: { model: 'tessera-demo/tessera-demo', messages: [{ role: 'user', content }] },
    });

  const rows: Row[] = [];
  const run = async (label: string, chars: number, request: () => ReturnType<typeof send>) => {
    const { result, ...measured } = await measure(app, request);
    if (result.statusCode !== 200) throw new Error(`${label}: ${result.statusCode} ${result.body.slice(0, 300)}`);
    rows.push({ label, chars, ...measured });
    return result;
  };
  // Warm-up: the tokenizer's tables and the routes' first compilation are not what is measured.
  await send('Hello');
  await run('chat send: letters, no spaces', inputs.letters.length, () => send(inputs.letters));
  const first = await run('chat send: CJK, largest message', inputs.cjk.length, () => send(inputs.cjk));
  const done = parseEvents(first.body).find((e) => e.type === 'done');
  if (done?.type !== 'done') throw new Error('the CJK send did not finish');
  await run('chat follow-up: CJK message in history', inputs.cjk.length + 5, () =>
    send('Go on', done.message.conversationId, done.message.id),
  );
  await run('/v1: CJK, largest body', cjkV1Chars, () => complete(inputs.cjkV1));
  await run('/v1: letters, largest request', lettersV1Chars, () => complete(inputs.lettersV1));
  print(`Through the app on ${name} (demo model; request = whole request, storage included)`, rows);
  await app.close();
  await database.close();
}

// The tokenizer alone (what every path runs), so storage and JSON costs are told apart from it.
{
  await countTokens('warm-up');
  const probeApp = Fastify();
  probeApp.get('/api/health', async () => ({ ok: true }));
  const rows: Row[] = [];
  for (const [label, text] of [
    ['letters, no spaces', inputs.letters],
    ['CJK, largest chat message', inputs.cjk],
    ['CJK, largest /v1 body', inputs.cjkV1],
    ['letters, largest /v1 request', inputs.lettersV1],
  ] as const) {
    const { result, ...measured } = await measure(probeApp, () => countTokens(text));
    rows.push({ label: `${label} (${result.toLocaleString('en')} tokens)`, chars: text.length, ...measured });
  }
  print('countTokens alone (ms = time to count, spread over turns of the event loop)', rows);
  await probeApp.close();
}

await throughApp({ kind: 'pglite' }, 'PGlite (in memory)');
if (process.env.BENCH_DATABASE_URL) {
  const created = await postgresTestDatabase(process.env.BENCH_DATABASE_URL).create();
  try {
    await throughApp(created.target, 'PostgreSQL');
  } finally {
    await created.drop();
  }
}

// The old path: encode() of the whole text, synchronously on the event loop, on smaller inputs.
console.log('\nBefore: gpt-tokenizer encode() of the whole text (blocks the event loop throughout)\n');
console.log('| input | characters | ms | extrapolated to the inputs above (quadratic) |');
console.log('|---|---|---|---|');
for (const [label, alphabet, sizes, full] of [
  ['letters, no spaces', LETTERS, [10_000, 20_000], 200_000],
  ['CJK', CJK, [5_000, 10_000], CHAT_CONTENT_MAX],
] as const) {
  for (const size of sizes) {
    const text = randomText(alphabet, size, size);
    const started = performance.now();
    encode(text);
    const ms = performance.now() - started;
    const estimate = (ms * (full / size) ** 2) / 1000;
    console.log(
      `| ${label} | ${size.toLocaleString('en')} | ${ms.toFixed(0)} | ~${estimate.toFixed(0)} s at ${full.toLocaleString('en')} |`,
    );
  }
}
