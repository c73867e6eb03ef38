import type { z } from 'zod';
import { ConfigError } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import { DataDirLockedError } from '../db/lock.ts';

/** A usage or input problem: printed without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}

/** An admin command (`npm run admin -- <name>`). It reads its options first, then gets the database: bad input never waits for it. */
export interface Command {
  usage: string;
  prepare(args: string[], config: Config): (database: Database) => Promise<void>;
}

/** An option's value through its schema, or a CliError naming the option. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new CliError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** Runs a command, printing expected failures as one clear line and exiting non-zero. */
export async function runCli(command: () => Promise<void>): Promise<void> {
  try {
    await command();
  } catch (error) {
    const usageMistake = String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
    if (
      usageMistake ||
      error instanceof CliError ||
      error instanceof ConfigError ||
      error instanceof DataDirLockedError
    ) {
      console.error(`Error: ${(error as Error).message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
