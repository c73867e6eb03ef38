// Builds the web app when its output is missing or older than its sources, so `npm start` always
// serves what is checked out without rebuilding on every start.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = path.join(root, 'apps/web/dist/index.html');
const sources = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/public',
  'packages/shared/src',
  'package-lock.json',
];

function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

const builtAt = existsSync(output) ? statSync(output).mtimeMs : -1;
const changedAt = Math.max(...sources.map((s) => newest(path.join(root, s))));
if (builtAt < changedAt) {
  console.log(builtAt < 0 ? 'Building the web app (first start)…' : 'Web sources changed; rebuilding the web app…');
  execFileSync('npm', ['run', 'build', '-w', '@tessera/web'], { cwd: root, stdio: 'inherit' });
}
