import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';
import { maskSecrets, safeError, safeText } from './log-redaction.ts';

/** Where log lines go: pino's stdout by default, a prettifier in a terminal, a capture in tests. */
export interface LogStream {
  write(line: string): void;
}

/**
 * Fastify's logger options. Every key under which code logs an error (`err`, `error`, `reason`) and a
 * raw response `body` goes through redaction, so a call site cannot leak by choosing the key.
 */
export function loggerOptions(level: Config['log']['level'], stream?: LogStream) {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      err: safeError,
      error: safeError,
      reason: safeError,
      body: safeText,
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: maskSecrets(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}

/** Human-readable lines when a person watches the terminal; JSON (undefined: pino's stdout) otherwise. */
export async function terminalLogStream(): Promise<LogStream | undefined> {
  if (!process.stdout.isTTY) return undefined;
  const { default: pretty } = await import('pino-pretty');
  return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}
