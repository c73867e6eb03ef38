import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const entry = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tsxNode(file: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry(file), ...args], {
    cwd: serverDir,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** `npm run admin -- …` without npm in between. */
export function runAdmin(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return collect(tsxNode('cli/admin.ts', args, env));
}

export interface RunningServer {
  url: string;
  process: ChildProcess;
  finished: Promise<Finished>;
}

/** Starts `main.ts` as a real process on a free port and resolves once it prints its URL. */
export function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = tsxNode('main.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env });
  const finished = collect(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(seen);
      if (match) resolve({ url: match[1]!, process: child, finished });
    });
    void finished.then((result) =>
      reject(new Error(`server exited before it was ready: ${result.stderr || result.stdout}`)),
    );
  });
}
