import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { createApiKeySchema, createdApiKeySchema, emailSchema, signUpSchema } from '@tessera/shared';
import { createApiKeyService } from '../auth/api-keys.ts';
import { createAuth } from '../auth/auth.ts';
import { createLedger } from '../billing/ledger.ts';
import { paymentCommands } from '../payments/cli.ts';
import { publicUrl } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import type { Database } from '../db/client.ts';
import { users } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { openConfiguredDatabase, resolveSecret } from '../runtime.ts';
import { CliError, parse, runCli, type Command } from './run.ts';

async function findUser(database: Database, email: string) {
  const [user] = await database.db.select().from(users).where(eq(users.email, email.toLowerCase()));
  if (!user) throw new CliError(`No user with the email ${email}`);
  return user;
}

const commands: Record<string, Command> = {
  'user:create': {
    usage: 'user:create --email E --password P [--name N] [--admin]',
    prepare(args, config) {
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
      return async (database) => {
        const ledger = createLedger(database.db, config.billing);
        const auth = createAuth({
          db: database.db,
          config,
          secret: resolveSecret(config),
          baseUrl: publicUrl(config),
          onUserCreated: ledger.openAccount,
        });
        try {
          await auth.api.createUser({ body: { ...input, role: values.admin ? 'admin' : 'user' } });
        } catch (error) {
          if (/already exists/i.test((error as Error).message))
            throw new CliError(`A user with the email ${input.email} already exists`);
          throw error;
        }
        const user = await findUser(database, input.email);
        console.log(`Created ${user.role === 'admin' ? 'admin' : 'user'} ${user.email} (id ${user.id})`);
      };
    },
  },

  'apikey:create': {
    usage: 'apikey:create --email E [--name N] [--scope chat|full]   (chat: /v1 and the model list; the default)',
    prepare(args, config) {
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, name: { type: 'string' }, scope: { type: 'string' } },
      });
      const email = parse(emailSchema, values.email);
      const input = parse(createApiKeySchema, {
        name: values.name ?? 'Created from the admin CLI',
        scope: values.scope,
      });
      return async (database) => {
        const user = await findUser(database, email);
        const keys = createApiKeyService(database.db, { maxPerUser: config.auth.apiKeysPerUser });
        const created = createdApiKeySchema.parse(
          await keys.create(user.id, input).catch((error: unknown) => {
            throw error instanceof AppError ? new CliError(error.message) : error;
          }),
        );
        console.log(
          `API key "${created.name}" (scope ${created.scope}) for ${user.email} (id ${created.id}); it is shown only now:`,
        );
        console.log(created.key);
      };
    },
  },

  'credits:grant': {
    usage: 'credits:grant --email E --amount N --reason R   (a negative N takes credits away, never below zero)',
    prepare(args, config) {
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, amount: { type: 'string' }, reason: { type: 'string' } },
      });
      const input = parse(
        z.object({
          email: emailSchema,
          amount: z.coerce
            .number()
            .int()
            .refine((n) => n !== 0, 'a whole number of credits other than 0'),
          reason: z.string().trim().min(1, 'say why, for the audit trail').max(500),
        }),
        values,
      );
      return async (database) => {
        const user = await findUser(database, input.email);
        const ledger = createLedger(database.db, config.billing);
        const result = await ledger.adjust({
          userId: user.id,
          amount: input.amount,
          kind: input.amount > 0 ? 'grant' : 'admin_adjust',
          key: `cli:${randomUUID()}`,
          description: input.reason,
          actorId: 'admin-cli',
        });
        console.log(
          `${input.amount > 0 ? 'Granted' : 'Took'} ${Math.abs(input.amount)} credits ${input.amount > 0 ? 'to' : 'from'} ${user.email}; balance ${result!.balance}`,
        );
      };
    },
  },
  ...paymentCommands,
  'ledger:verify': {
    usage: 'ledger:verify   (exits 1 listing every user whose balance differs from the sum of their ledger)',
    prepare(args, config) {
      parseArgs({ args, options: {} });
      return async (database) => {
        const mismatches = await createLedger(database.db, config.billing).verify();
        if (mismatches.length === 0) {
          console.log('Ledger verified: every balance equals the sum of its ledger.');
          return;
        }
        for (const m of mismatches) {
          console.error(
            `${m.email} (${m.userId}): balance ${m.balance}, ledger sum ${m.ledger}, difference ${m.balance - m.ledger}`,
          );
        }
        throw new CliError(`${mismatches.length} balance(s) differ from their ledger`);
      };
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
  const run = command.prepare(args, config);
  const database = await openConfiguredDatabase(config, `npm run admin -- ${name}`);
  try {
    await database.migrate();
    await run(database);
  } finally {
    await database.close();
  }
});
