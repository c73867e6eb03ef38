import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { createdApiKeySchema, emailSchema, signUpSchema } from '@tessera/shared';
import { createApiKeyService } from '../auth/api-keys.ts';
import { createAuth } from '../auth/auth.ts';
import { publicUrl } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { openConfiguredDatabase, resolveSecret } from '../runtime.ts';
import { CliError, runCli } from './run.ts';

interface Context {
  config: Config;
  database: Database;
  args: string[];
}

interface Command {
  usage: string;
  run(context: Context): Promise<void>;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new CliError(result.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return result.data;
}

async function findUser(database: Database, email: string) {
  const [user] = await database.db.select().from(users).where(eq(users.email, email.toLowerCase()));
  if (!user) throw new CliError(`No user with the email ${email}`);
  return user;
}

const commands: Record<string, Command> = {
  'user:create': {
    usage: 'user:create --email E --password P [--name N] [--admin]',
    async run({ config, database, args }) {
      const { values } = parseArgs({
        args,
        options: {
          email: { type: 'string' },
          password: { type: 'string' },
          name: { type: 'string' },
          admin: { type: 'boolean', default: false },
        },
      });
      const input = parse(
        signUpSchema.extend({
          password: z
            .string()
            .min(config.auth.passwordMinLength, `at least ${config.auth.passwordMinLength} characters`)
            .max(128),
        }),
        { email: values.email, password: values.password, name: values.name ?? values.email?.split('@')[0] },
      );
      const auth = createAuth({ db: database.db, config, secret: resolveSecret(config), baseUrl: publicUrl(config) });
      try {
        await auth.api.createUser({ body: { ...input, role: values.admin ? 'admin' : 'user' } });
      } catch (error) {
        if (/already exists/i.test((error as Error).message))
          throw new CliError(`A user with the email ${input.email} already exists`);
        throw error;
      }
      const user = await findUser(database, input.email);
      console.log(`Created ${user.role === 'admin' ? 'admin' : 'user'} ${user.email} (id ${user.id})`);
    },
  },

  'apikey:create': {
    usage: 'apikey:create --email E [--name N]',
    async run({ database, args }) {
      const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' } } });
      const email = parse(emailSchema, values.email);
      const user = await findUser(database, email);
      const created = createdApiKeySchema.parse(
        await createApiKeyService(database.db).create(user.id, values.name ?? 'Created from the admin CLI'),
      );
      console.log(`API key "${created.name}" for ${user.email} (id ${created.id}); it is shown only now:`);
      console.log(created.key);
    },
  },
};

function usage(): string {
  return [
    'Usage: npm run admin -- <command> [options]',
    '',
    'Commands:',
    ...Object.values(commands).map((c) => `  ${c.usage}`),
  ].join('\n');
}

await runCli(async () => {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === 'help' || name === '--help') {
    console.log(usage());
    return;
  }
  const command = commands[name];
  if (!command) throw new CliError(`Unknown command "${name}".\n${usage()}`);
  const config = loadConfig();
  const database = await openConfiguredDatabase(config, `npm run admin -- ${name}`);
  try {
    await database.migrate();
    await command.run({ config, database, args });
  } finally {
    await database.close();
  }
});
