import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { DataDirLockedError, lockDataDir } from './lock.ts';
import { users } from './schema.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'tessera-lock-'));

describe('embedded data directory lock', () => {
  it('refuses a second opener with a message naming the holder, and frees the dir on release', async () => {
    const dir = tempDir();
    const release = await lockDataDir(dir, 'the Tessera server');
    const second = lockDataDir(dir, 'npm run admin');
    await expect(second).rejects.toThrow(DataDirLockedError);
    await expect(lockDataDir(dir, 'npm run admin')).rejects.toThrow(
      new RegExp(`in use by the Tessera server \\(pid ${process.pid}`),
    );
    await release();
    const again = await lockDataDir(dir, 'npm run admin');
    await again();
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = tempDir();
    const release = await lockDataDir(dir, 'crashed server');
    // Pretend the holder was a process that has since died without releasing.
    writeFileSync(
      path.join(dir, '.tessera.owner'),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'crashed server', since: '' }),
    );
    const next = await lockDataDir(dir, 'restarted server');
    await next();
    await release().catch(() => {});
  });

  it('keeps data across close and reopen of the embedded database', async () => {
    const dir = tempDir();
    const first = await openDatabase({ kind: 'pglite', dataDir: dir });
    await first.migrate();
    await first.db.insert(users).values({ id: 'u1', name: 'Ada', email: 'ada@example.com' });
    await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(DataDirLockedError);
    await first.close();

    const second = await openDatabase({ kind: 'pglite', dataDir: dir });
    await second.migrate();
    expect(await second.db.select({ email: users.email }).from(users)).toEqual([{ email: 'ada@example.com' }]);
    await second.close();
  });
});
