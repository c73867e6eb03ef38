import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export interface WebBuild {
  dir: string;
  indexHtml: string;
  /** CSP hashes of the inline scripts in index.html (the theme script that prevents a flash). */
  scriptHashes: string[];
}

export function readWebBuild(dir = WEB_DIST): WebBuild | null {
  const indexPath = path.join(dir, 'index.html');
  if (!existsSync(indexPath)) return null;
  const indexHtml = readFileSync(indexPath, 'utf8');
  const scriptHashes = [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .map((match) => match[1] ?? '')
    .filter((code) => code.trim() !== '')
    .map((code) => `'sha256-${createHash('sha256').update(code).digest('base64')}'`);
  return { dir, indexHtml, scriptHashes };
}

/** Serves the built web app; unknown non-API GETs get index.html so client-side routes work on reload. */
export async function webPlugin(app: FastifyInstance, { build }: { build: WebBuild }) {
  await app.register(fastifyStatic, {
    root: build.dir,
    wildcard: false,
    index: false,
    // The build writes .br and .gz beside each asset (vite.config.ts); the one the browser accepts is sent.
    preCompressed: true,
    setHeaders: (res, filePath) => {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      res.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

export function isSpaRequest(method: string, url: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !/^\/(api|v1|metrics)(\/|$|\?)/.test(url);
}
