import { ConfigError } from '../config/load.ts';
import { DataDirLockedError } from '../db/lock.ts';

/** A usage or input problem: printed without a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
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
