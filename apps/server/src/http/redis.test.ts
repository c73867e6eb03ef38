import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import { buildApp } from '../app.ts';
import { openDatabase } from '../db/client.ts';
import { Client, TEST_SECRET, uniqueEmail } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn('TEST_REDIS_URL is not set: the Redis suite is skipped.');

describe.skipIf(!redisUrl)('with Redis', () => {
  const clients: Redis[] = [];
  afterAll(async () => {
    for (const c of clients) c.disconnect();
  });

  /** Two instances sharing one database and one Redis, as behind a load balancer. */
  async function twoInstances() {
    const created = await testDatabases.at(-1)!.create();
    const database = await openDatabase(created.target);
    await database.migrate();
    const nameSpace = randomBytes(4).toString('hex');
    const apps = await Promise.all(
      [0, 1].map(async () => {
        const redis = new Redis(redisUrl!, { keyPrefix: `${nameSpace}:` });
        clients.push(redis);
        const config = configSchema.parse({ log: { level: 'silent' }, redis: { url: redisUrl } });
        const app = await buildApp({ config, database, secret: TEST_SECRET, redis, web: null });
        await app.ready();
        return app;
      }),
    );
    return {
      apps,
      close: async () => {
        await Promise.all(apps.map((a) => a.close()));
        await database.close();
        await created.drop();
      },
    };
  }

  it('reports Redis in readiness and shares sign-in limits across instances', async () => {
    const { apps, close } = await twoInstances();
    try {
      expect((await apps[0]!.inject('/api/ready')).json()).toMatchObject({ status: 'ready', redis: 'up' });
      const email = uniqueEmail();
      await new Client(apps[0]!, '10.9.0.1').signUp(email);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const app = apps[i % 2]!;
        statuses.push((await new Client(app, `10.9.1.${i}`).signIn(email, 'wrong password')).statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      await close();
    }
  });

  it('shares the sign-up limit per address across instances', async () => {
    const { apps, close } = await twoInstances();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push((await new Client(apps[i % 2]!, '10.9.2.1').signUp(uniqueEmail())).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    } finally {
      await close();
    }
  });

  it('says not ready when Redis is unreachable', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    const redis = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    const config = configSchema.parse({ log: { level: 'silent' }, redis: { url: 'redis://127.0.0.1:1' } });
    const app = await buildApp({ config, database, secret: TEST_SECRET, redis, web: null });
    try {
      const ready = await app.inject('/api/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ database: 'up', redis: 'down' });
    } finally {
      await app.close();
      await database.close();
      redis.disconnect();
    }
  });
});
