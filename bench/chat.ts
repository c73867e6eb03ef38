// npm run bench:chat — chat throughput and latency through Tessera against the fake provider, side by side
// with the provider read directly, in one run. Tessera and the provider run as separate processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { randomUUID } from 'node:crypto';
import { createOpenAI } from '@ai-sdk/openai';
import { textParts } from '@tessera/shared';
import { signedInApp } from './signed-in-app.ts';
import { configSchema } from '../apps/server/src/config/schema.ts';
import { openDatabase } from '../apps/server/src/db/client.ts';
import { conversations, messages, users } from '../apps/server/src/db/schema.ts';
import { postgresTestDatabase } from '../apps/server/src/test/databases.ts';
import { readReply } from '../apps/server/src/providers/stream.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const STREAM_TOKENS = 1_000;
const LEVELS = (process.env.BENCH_STREAMS ?? '10,100,500').split(',').map(Number);

function start(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  // BENCH_PROFILE=1 writes a CPU profile of the Tessera server (not of the fake provider) to /tmp/prof.
  const profile = process.env.BENCH_PROFILE && args[0] === 'apps/server/src/main.ts';
  const child = spawn(
    process.execPath,
    [...(profile ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--import', 'tsx', ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before it was ready`)));
  });
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}
const pct = (values: number[], p: number) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/**
 * Reads an SSE response; returns the time to the first text and the tokens it carried, as the
 * stream's own final usage reports them (Tessera sends the tokens of one tick as one delta event,
 * so events are not tokens; the provider's usage and Tessera's are the same count).
 */
async function consume(
  response: Response,
  isText: (event: string, data: string) => boolean,
  tokensOf: (event: string, data: string) => number | undefined,
  started: number,
) {
  let first = NaN;
  let tokens = 0;
  const parser = createParser({
    onEvent: (e) => {
      if (Number.isNaN(first) && isText(e.event ?? '', e.data)) first = performance.now() - started;
      tokens = tokensOf(e.event ?? '', e.data) ?? tokens;
    },
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  return { first, tokens, end: performance.now() - started };
}

const fake = await start(
  ['tools/fake-llm/main.ts', '--port', '0', '--tokens', String(STREAM_TOKENS), '--models', 'gpt-4o-mini'],
  {},
  /(http:\/\/\S+)/,
);
const fakeUrl = fake.match[1]!;
const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
const serverDatabase = process.env.BENCH_DATABASE_URL
  ? await postgresTestDatabase(process.env.BENCH_DATABASE_URL).create()
  : null;
console.log(`Server database: ${serverDatabase ? 'PostgreSQL' : 'embedded PGlite'}`);
const server = await start(
  ['apps/server/src/main.ts'],
  {
    PORT: process.env.BENCH_PORT ?? '3190',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TESSERA_DATA_DIR: dataDir,
    TESSERA_SECRET: 'bench-secret-that-is-long-enough-000000',
    OPENAI_API_KEY: 'bench',
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    OPENAI_MODELS: 'gpt-4o-mini',
    START_BALANCE: '100000000000',
    // BENCH_DATABASE_URL=postgres://… runs the server on PostgreSQL (a fresh database is made).
    ...(serverDatabase ? { DATABASE_URL: serverDatabase.url! } : {}),
  },
  /ready at (http:\/\/\S+)/,
);
const url = server.match[1]!;
const pid = server.child.pid!;

try {
  const signUp = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: 'bench@example.com', password: 'bench password', name: 'Bench' }),
  });
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const headers = { 'content-type': 'application/json', cookie, origin: url };

  const direct = (n: number) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const t0 = performance.now();
        const response = await fetch(`${fakeUrl}/v1/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            input: [{ role: 'user', content: 'Hi' }],
            stream: true,
            max_output_tokens: 4096,
          }),
        });
        return consume(
          response,
          (event) => event === 'response.output_text.delta',
          (event, data) =>
            event === 'response.completed'
              ? (JSON.parse(data) as { response: { usage: { output_tokens: number } } }).response.usage.output_tokens
              : undefined,
          t0,
        );
      }),
    );
  // The AI SDK's provider alone, in this process, on the same stream, read as cheaply as Tessera reads
  // it (no HTTP server, database or SSE): the ceiling of any relay built on the provider packages.
  const provider = createOpenAI({ baseURL: `${fakeUrl}/v1`, apiKey: 'bench' });
  const sdkAlone = (n: number) =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const t0 = performance.now();
        let first = NaN;
        let tokens = 0;
        const options = { messages: [{ role: 'user' as const, content: 'Hi' }], maxOutputTokens: 4096 };
        await readReply(provider('gpt-4o-mini'), options, (part) => {
          if (part.type === 'text' && Number.isNaN(first)) first = performance.now() - t0;
          else if (part.type === 'finish') tokens = part.usage?.outputTokens ?? 0;
          else if (part.type === 'error') throw part.error;
        });
        return { first, tokens, end: performance.now() - t0 };
      }),
    );
  const through = (n: number, content = 'Hi') =>
    Promise.all(
      Array.from({ length: n }, async () => {
        const t0 = performance.now();
        const response = await fetch(`${url}/api/chat`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ action: 'send', parentId: null, content, endpoint: 'openai', model: 'gpt-4o-mini' }),
        });
        return consume(
          response,
          (event) => event === 'delta',
          (event, data) =>
            event === 'done'
              ? ((JSON.parse(data) as { message: { usage: { outputTokens: number } | null } }).message.usage
                  ?.outputTokens ?? 0)
              : undefined,
          t0,
        );
      }),
    );

  await through(2);
  await direct(2);
  await sdkAlone(2);
  const rate = async <R extends { tokens: number }>(run: () => Promise<R[]>) => {
    const t0 = performance.now();
    const results = await run();
    return { results, rate: results.reduce((s, r) => s + r.tokens, 0) / ((performance.now() - t0) / 1000) };
  };
  const streamRows: string[] = [];
  for (const n of LEVELS) {
    const { results: d, rate: directRate } = await rate(() => direct(n));
    const { rate: sdkRate } = await rate(() => sdkAlone(n));
    const cpu0 = cpuMs(pid);
    const { results: t, rate: throughRate } = await rate(() => through(n));
    const cpuPerStream = (cpuMs(pid) - cpu0) / n;
    const added = (p: number) =>
      Math.max(
        0,
        pct(
          t.map((r) => r.first),
          p,
        ) -
          pct(
            d.map((r) => r.first),
            p,
          ),
      ).toFixed(0);
    streamRows.push(
      `| ${n} | ${directRate.toFixed(0)} | ${sdkRate.toFixed(0)} (${(sdkRate / directRate).toFixed(2)}) | ${throughRate.toFixed(0)} | ${(throughRate / directRate).toFixed(2)} | ${t.filter((r) => r.tokens === 0).length} | ${added(50)} | ${added(99)} | ${cpuPerStream.toFixed(0)} | ${rssMb(pid)} |`,
    );
  }

  // 50 new chats: a 20-word question, a ~20-token answer, the title written after it.
  const question =
    'Could you please explain in simple words how the tides in the ocean are caused by the moon today [[fake tokens=20]]';
  const cpuBefore = cpuMs(pid);
  const c0 = performance.now();
  const chats = await through(50, question);
  const elapsed = (performance.now() - c0) / 1000;
  const cpuPerChat = (cpuMs(pid) - cpuBefore) / 50;
  const chatRow = `| 50 | ${(50 / elapsed).toFixed(1)} | ${pct(
    chats.map((c) => c.first),
    50,
  ).toFixed(0)} | ${pct(
    chats.map((c) => c.first),
    99,
  ).toFixed(0)} | ${cpuPerChat.toFixed(1)} |`;

  console.log(`\nStreams of ${STREAM_TOKENS} tokens (fake provider as fast as it can; tokens/s summed over streams)\n`);
  console.log(
    '| concurrent | direct tokens/s | AI SDK provider alone, in-process tokens/s (÷ direct) | through Tessera tokens/s | ratio | failed streams | added TTFT p50 ms | added TTFT p99 ms | server CPU ms per stream | server RSS MB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const row of streamRows) console.log(row);
  console.log('\nNew chats (20-word question, 20-token answer, title included)\n');
  console.log('| chats | chats/s | first chunk p50 ms | first chunk p99 ms | server CPU ms per chat |');
  console.log('|---|---|---|---|---|');
  console.log(chatRow);
} finally {
  server.child.kill('SIGTERM');
  fake.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  await serverDatabase?.drop();
}

// Opening long conversations: seeded straight into an in-process database, then read through the API.
{
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const config = configSchema.parse({ log: { level: 'silent' } });
  const { app, headers } = await signedInApp(database, config, 'long@example.com');
  const [user] = await database.db.select().from(users);
  console.log('\nOpening a conversation (GET /api/conversations/:id, whole tree)\n');
  console.log('| messages | median ms | p99 ms | response KB |');
  console.log('|---|---|---|---|');
  for (const size of [1_000, 10_000]) {
    const id = randomUUID();
    await database.db.insert(conversations).values({ id, userId: user!.id, title: `${size}` });
    let parent: string | null = null;
    const rows = [];
    const base = Date.now() - size * 1000;
    for (let i = 0; i < size; i += 1) {
      const mid = randomUUID();
      rows.push({
        id: mid,
        conversationId: id,
        parentId: parent,
        role: i % 2 ? ('assistant' as const) : ('user' as const),
        content: `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(12)}`,
        parts: textParts(`Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(12)}`),
        createdAt: new Date(base + i * 1000),
      });
      parent = mid;
    }
    for (let i = 0; i < rows.length; i += 1000) await database.db.insert(messages).values(rows.slice(i, i + 1000));
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 15; i += 1) {
      const t0 = performance.now();
      const response = await app.inject({ url: `/api/conversations/${id}`, headers });
      times.push(performance.now() - t0);
      bytes = response.rawPayload.length;
    }
    console.log(
      `| ${size} | ${pct(times.slice(3), 50).toFixed(0)} | ${pct(times.slice(3), 99).toFixed(0)} | ${(bytes / 1024).toFixed(0)} |`,
    );
  }
  await app.close();
  await database.close();
}

// The web app's first-load JavaScript: the entry script and what index.html preloads, gzipped; then the
// same plus the markdown renderer, which a page showing any message loads at once.
{
  const dist = path.join(root, 'apps/web/dist');
  if (existsSync(path.join(dist, 'index.html'))) {
    const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
    const files = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    const gzipKb = (f: string) => gzipSync(readFileSync(path.join(dist, f))).length / 1024;
    const entry = files.reduce((sum, f) => sum + gzipKb(f), 0);
    const markdown = readdirSync(path.join(dist, 'assets')).find((f) => /^Markdown-.*\.js$/.test(f));
    const withMarkdown = entry + (markdown ? gzipKb(`assets/${markdown}`) : 0);
    // zod belongs to the lazily loaded forms; the server has already checked every response.
    const zod = files.some((f) => readFileSync(path.join(dist, f), 'utf8').includes('_zod'));
    console.log(
      `\nWeb app first-load JavaScript: ${entry.toFixed(1)} KB gzip (${files.length} files, a new chat${zod ? '; includes zod' : ''})`,
    );
    console.log(`With the markdown renderer (a conversation with messages): ${withMarkdown.toFixed(1)} KB gzip`);
  } else {
    console.log('\nWeb app not built (npm run build): first-load JavaScript not measured');
  }
}
