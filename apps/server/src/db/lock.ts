import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

interface Owner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

// A crashed holder on this machine is detected at once by its pid; the mtime-based staleness is
// only the fallback (another host on a shared disk), so it is long enough to survive PGlite
// blocking the event loop while it creates a new database.
const STALE_MS = 60_000;
const UPDATE_MS = 5_000;

/**
 * PGlite has no cross-process locking: two processes on one data dir lose writes silently.
 * Holds an exclusive lock on the directory for as long as this process uses it.
 */
export async function lockDataDir(dataDir: string, command: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, '.tessera.lock');
  const ownerPath = path.join(dataDir, '.tessera.owner');
  const options = {
    lockfilePath: lockPath,
    stale: STALE_MS,
    update: UPDATE_MS,
    realpath: false,
    onCompromised: (error: Error) => {
      console.error(`The lock on ${dataDir} was taken by another process: ${error.message}`);
    },
  };

  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    const owner = readOwner(ownerPath);
    if (!owner || !ownerIsGone(owner)) throw new DataDirLockedError(lockedMessage(dataDir, owner));
    // The previous owner crashed on this machine; its lock is ours to take.
    rmSync(lockPath, { recursive: true, force: true });
    release = await lockfile.lock(dataDir, options);
  }
  const owner: Owner = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  writeFileSync(ownerPath, JSON.stringify(owner));
  return async () => {
    rmSync(ownerPath, { force: true });
    await release();
  };
}

function readOwner(ownerPath: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(ownerPath, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

function ownerIsGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function lockedMessage(dataDir: string, owner: Owner | undefined): string {
  const who = owner ? `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.since})` : 'another process';
  return (
    `The data directory ${dataDir} is in use by ${who}. ` +
    'The embedded database allows one process at a time: stop it first, ' +
    'or use PostgreSQL (DATABASE_URL) to run several processes.'
  );
}
