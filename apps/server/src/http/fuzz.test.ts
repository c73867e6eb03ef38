import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../../../../tools/fake-stripe/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

const [pglite] = testDatabases;

/** Every route a signed-in client can send a body or a path parameter to. */
const routes = [
  ['POST', '/api/auth/sign-up/email'],
  ['POST', '/api/auth/sign-in/email'],
  ['POST', '/api/keys'],
  ['DELETE', '/api/keys/:id'],
  ['POST', '/api/tokens/claim'],
  ['GET', '/api/transactions'],
  ['POST', '/api/chat'],
  ['GET', '/api/chat/:id/stream'],
  ['POST', '/api/chat/:id/stop'],
  ['GET', '/api/conversations'],
  ['GET', '/api/conversations/:id'],
  ['PATCH', '/api/conversations/:id'],
  ['DELETE', '/api/conversations/:id'],
  ['POST', '/api/conversations/:id/fork'],
  ['POST', '/api/conversations/:id/duplicate'],
  ['POST', '/v1/chat/completions'],
  ['POST', '/api/presets'],
  ['PATCH', '/api/presets/:id'],
  ['DELETE', '/api/presets/:id'],
  ['PUT', '/api/provider-keys/:id'],
  ['DELETE', '/api/provider-keys/:id'],
  ['POST', '/api/payments/intents'],
  ['GET', '/api/payments/:id'],
  ['POST', '/api/payments/webhook'],
] as const;

describe('hostile input', () => {
  let t: TestApp;
  let client: Client;
  let stripe: FakeStripe;
  beforeAll(async () => {
    stripe = await startFakeStripe({ autoDeliver: false });
    const payments = {
      stripe: {
        secretKey: 'sk_test_fuzz',
        publishableKey: 'pk_test_fuzz',
        webhookSecret: 'whsec_fuzz',
        apiUrl: stripe.url,
      },
    };
    t = await startTestApp(pglite!, { chat: { demoTokenDelayMs: 0 }, payments }, { env: {} });
    client = new Client(t.app);
    await client.signUp(uniqueEmail());
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  it('never answers a random body, query or path parameter with a 5xx', async () => {
    const chatLike = fc.record(
      {
        action: fc.constantFrom('send', 'regenerate', 'continue', 'x'),
        packageId: fc.constantFrom('popular', 'starter', 'nope'),
        paymentMethod: fc.constantFrom('card', 'alipay', 'crypto', 'x'),
        checkoutId: fc.string({ maxLength: 120 }),
        name: fc.string(),
        apiKey: fc.string(),
        conversationId: fc.oneof(fc.string(), fc.constant(null)),
        parentId: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
        messageId: fc.string(),
        content: fc.string(),
        endpoint: fc.constantFrom('tessera-demo', 'nope', ''),
        model: fc.constantFrom('tessera-demo', 'x'),
        params: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.jsonValue(), chatLike),
        fc.string({ maxLength: 200 }),
        fc.dictionary(fc.constantFrom('kind', 'from', 'to', 'cursor', 'limit', 'archived'), fc.string()),
        async ([method, path], body, param, query) => {
          const url = path.replace(':id', encodeURIComponent(param) || 'x');
          const response = await client.request({
            method,
            url,
            query,
            ...(method === 'GET' || method === 'DELETE'
              ? {}
              : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
          });
          expect(
            response.statusCode,
            `${method} ${url} ${JSON.stringify(body)} → ${response.body.slice(0, 300)}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: 400 },
    );
  });
});
