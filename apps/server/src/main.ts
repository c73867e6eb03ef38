import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config/load.ts';
import { DataDirLockedError } from './db/lock.ts';
import { openConfiguredDatabase, openRedis, resolveSecret } from './runtime.ts';
import { terminalLogStream } from './system/logger.ts';

async function main() {
  const started = performance.now();
  const config = loadConfig();
  const secret = resolveSecret(config);
  const database = await openConfiguredDatabase(config, 'the Tessera server');
  const redis = openRedis(config);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await database.migrate();
    app = await buildApp({ config, database, secret, redis, logStream: await terminalLogStream() });
    await app.listen({ port: config.server.port, host: config.server.host });
  } catch (error) {
    await app?.close();
    await database.close();
    redis?.disconnect();
    throw error;
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = config.server.publicUrl ?? `http://localhost:${port}`;
  const where = database.kind === 'pglite' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL';
  app.log.info({ url, database: database.kind, startupMs: Math.round(performance.now() - started) }, 'ready');
  console.log(`\n  Tessera is ready at ${url}  (${where})\n`);

  await app.providers.discoverOllama();
  const housekeeping = async () => {
    try {
      await app.chat.sweepOrphans();
      await app.conversations.removeExpiredTemporary();
    } catch (error) {
      app.log.warn({ err: error }, 'housekeeping failed');
    }
  };
  void housekeeping();
  const sweeper = setInterval(() => void housekeeping(), 60_000);
  sweeper.unref();

  // A stray rejection is a bug to log, not a reason to drop every reply in flight.
  process.on('unhandledRejection', (reason) => app.log.error({ err: reason }, 'unhandled rejection'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('in-flight requests did not finish within 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    clearInterval(sweeper);
    await app.close();
    await database.close();
    redis?.disconnect();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`\n  Tessera cannot start: ${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`\n  Tessera cannot start: ${(error as Error).message}. Set PORT to use another port.\n`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
