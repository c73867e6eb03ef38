import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

type Operation = { responses?: Record<string, { content?: Record<string, unknown> }> };

/**
 * Routes whose success is not a JSON body, with what checks their contract instead: server-sent
 * events (every event a test reads is parsed with `chatEventSchema`, test/sse.ts), a CSV file, and
 * deletions that answer 204.
 */
const NOT_JSON: Record<string, string> = {
  'POST /api/chat': 'server-sent ChatEvents',
  'GET /api/chat/{messageId}/stream': 'server-sent ChatEvents',
  'GET /api/transactions/export.csv': 'text/csv',
  'DELETE /api/keys/{id}': '204',
  'DELETE /api/conversations/{id}': '204',
  'DELETE /api/provider-keys/{endpointId}': '204',
  'DELETE /api/presets/{id}': '204',
};

describe('the HTTP contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      testDatabases[0]!,
      {
        payments: {
          stripe: {
            secretKey: 'sk_test_contract',
            publishableKey: 'pk_test_contract',
            webhookSecret: 'whsec_contract',
          },
        },
      },
      { env: {} },
    );
  });
  afterAll(() => t.close());

  // A route's response schema is what Fastify serialises its answer with, and the zod serialiser
  // refuses an answer that does not match it: so every test that calls a route checks its answer.
  it('gives every route a JSON schema for its success, so every answer is checked against the shared contract', async () => {
    const doc = (await t.app.inject({ url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };
    const missing: string[] = [];
    const routes: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const route = `${method.toUpperCase()} ${path}`;
        routes.push(route);
        if (route in NOT_JSON) continue;
        const success = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2'));
        if (!success.some(([, response]) => response.content?.['application/json'])) missing.push(route);
      }
    }
    expect(missing).toEqual([]);
    // The exceptions name routes that exist.
    expect(routes).toEqual(expect.arrayContaining(Object.keys(NOT_JSON)));
  });
});
