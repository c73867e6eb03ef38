import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../db/client.ts';
import { testDatabases } from '../test/databases.ts';
import { runAdmin, startServer } from '../test/processes.ts';

const SECRET = 'process-test-secret-at-least-32-chars';
const freshDir = () => mkdtempSync(path.join(tmpdir(), 'tessera-proc-'));
const lastLine = (text: string) => text.trim().split('\n').at(-1)!;

describe('the server and the admin CLI as processes on the embedded database', { timeout: 180_000 }, () => {
  it('creates users and keys offline, refuses while the server holds the data dir, and keeps data across restarts', async () => {
    const env = { TESSERA_DATA_DIR: freshDir(), TESSERA_SECRET: SECRET };

    const created = await runAdmin(['user:create', '--email', 'root@example.com', '--password', 'long enough pw'], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/Created admin root@example\.com/);
    const granted = await runAdmin(
      ['credits:grant', '--email', 'root@example.com', '--amount', '5000', '--reason', 'welcome'],
      env,
    );
    expect(granted.stdout).toMatch(/Granted 5000 credits to root@example\.com; balance 25000/);
    const verified = await runAdmin(['ledger:verify'], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Ledger verified/);
    const keyRun = await runAdmin(
      ['apikey:create', '--email', 'root@example.com', '--name', 'ci', '--scope', 'full'],
      env,
    );
    const key = lastLine(keyRun.stdout);
    expect(key).toMatch(/^tsk_/);

    const server = await startServer(env);
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ email: 'root@example.com', role: 'admin' });

    const refused = await runAdmin(['user:create', '--email', 'b@example.com', '--password', 'long enough pw'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use by the Tessera server \(pid \d+/);
    expect(refused.stderr).toMatch(/stop it first/);

    const second = await startServer(env).catch((error: Error) => error);
    expect(String(second)).toMatch(/cannot start: The data directory .* is in use by the Tessera server/);

    server.process.kill('SIGTERM');
    expect((await server.finished).code).toBe(0);

    const again = await runAdmin(['user:create', '--email', 'root@example.com', '--password', 'long enough pw'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('ledger:verify exits non-zero naming a user whose balance was tampered with', async () => {
    const dataDir = freshDir();
    const env = { TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: SECRET };
    await runAdmin(['user:create', '--email', 'tampered@example.com', '--password', 'long enough pw'], env);
    const database = await openDatabase({ kind: 'pglite', dataDir });
    await database.db.execute(sql`update balances set credits = credits + 42`);
    await database.close();
    const result = await runAdmin(['ledger:verify'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tampered@example\.com .*balance 20042, ledger sum 20000, difference 42/);
  });

  it('finishes a request in flight when asked to stop', async () => {
    const env = { TESSERA_DATA_DIR: freshDir(), TESSERA_SECRET: SECRET };
    const server = await startServer(env);
    const { port } = new URL(server.url);
    const body = JSON.stringify({ email: 'slow@example.com', password: 'not the password' });

    // Send the headers and half the body, stop the server, then send the rest.
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/auth/sign-in/email',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.process.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 300);
    });

    const answered = await response;
    expect(answered.status).toBe(401);
    expect(JSON.parse(answered.body).error.code).toBe('INVALID_CREDENTIALS');
    expect((await server.finished).code).toBe(0);
  });

  it('stops at start-up with a message naming a bad setting', async () => {
    const result = await startServer({ TESSERA_DATA_DIR: freshDir(), PORT: 'eighty' }).catch((e: Error) => e);
    expect(String(result)).toMatch(/server\.port \(from environment variable PORT\)/);
  });

  it('explains CLI usage mistakes without a stack trace', async () => {
    const env = { TESSERA_DATA_DIR: freshDir(), TESSERA_SECRET: SECRET };
    const unknown = await runAdmin(['user:delete-everything'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown command "user:delete-everything"/);
    const bad = await runAdmin(['user:create', '--email', 'nope', '--password', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--email: .*--password: /);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const badScope = await runAdmin(['apikey:create', '--email', 'ghost@example.com', '--scope', 'root'], env);
    expect(badScope.stderr).toMatch(/--scope: /);
    const missing = await runAdmin(['apikey:create', '--email', 'ghost@example.com'], env);
    expect(missing.stderr).toMatch(/No user with the email ghost@example\.com/);
  });
});

const postgres = testDatabases.find((db) => db.name === 'postgres');

describe.skipIf(!postgres)('the admin CLI on PostgreSQL', { timeout: 120_000 }, () => {
  it('works while the server is running', async () => {
    const created = await postgres!.create();
    try {
      const env = { DATABASE_URL: created.url!, TESSERA_SECRET: SECRET };
      const server = await startServer(env);
      const result = await runAdmin(
        ['user:create', '--email', 'pg@example.com', '--password', 'long enough pw', '--admin'],
        env,
      );
      expect(result.stdout).toMatch(/Created admin pg@example\.com/);
      // A chat key by default: the OpenAI-compatible API, not the rest.
      const key = lastLine((await runAdmin(['apikey:create', '--email', 'pg@example.com'], env)).stdout);
      const authorization = { authorization: `Bearer ${key}` };
      expect((await fetch(`${server.url}/v1/models`, { headers: authorization })).status).toBe(200);
      expect((await fetch(`${server.url}/api/me`, { headers: authorization })).status).toBe(403);
      server.process.kill('SIGTERM');
      expect((await server.finished).code).toBe(0);
    } finally {
      await created.drop();
    }
  });
});
