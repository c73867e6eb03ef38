import { loadConfig } from '../config/load.ts';
import { openConfiguredDatabase } from '../runtime.ts';
import { runCli } from './run.ts';

await runCli(async () => {
  const config = loadConfig();
  const database = await openConfiguredDatabase(config, 'npm run db:migrate');
  try {
    await database.migrate();
    console.log(`Migrations applied (${database.kind === 'pglite' ? config.database.dataDir : 'PostgreSQL'}).`);
  } finally {
    await database.close();
  }
});
