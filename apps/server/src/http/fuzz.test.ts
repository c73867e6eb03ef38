import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../../../../tools/fake-stripe/server.ts';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';
import { wellFormed } from './input.ts';

const [pglite] = testDatabases;

/** A route as the OpenAPI document describes it: what a client can put in its path, query and body. */
interface Route {
  method: string;
  /** Fastify's form, `/api/conversations/:id`. */
  path: string;
  params: string[];
  query: string[];
  body: string[];
}

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
interface JsonSchema {
  properties?: Record<string, unknown>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

function propertyNames(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  return [...new Set([...Object.keys(schema.properties ?? {}), ...nested.flatMap(propertyNames)])];
}

/** Every documented route, read from the app's own OpenAPI document so a new route is fuzzed without a list. */
function routesOf(doc: { paths: Record<string, Record<string, OpenApiOperation>> }): Route[] {
  return Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{([^}]+)\}/g, ':$1'),
      params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      body: propertyNames(op.requestBody?.content?.['application/json']?.schema),
    })),
  );
}

const hasBody = (method: string) => method !== 'GET' && method !== 'DELETE' && method !== 'HEAD';

/** Strings that broke, or could break, a route: storage, encodings, and the tokenizer's worst cases. */
const HOSTILE_STRINGS = {
  nul: 'before\u0000after',
  loneSurrogates: '\ud800 lone \udfff',
  longWord: 'a'.repeat(200_000),
  cjk: '汉字測試日本語のテキスト'.repeat(16_000),
} as const;

/** Path parameters that try to leave their segment or outgrow any id. */
const HOSTILE_IDS = ['..', '.', '%2e%2e', '..%2F..%2Fauth%2Fsign-in%2Femail', 'a%2Fb', 'a%5Cb', '%00', 'x'.repeat(300)];

/** Shapes the routes accept, so hostile strings reach the code behind validation (token counting, storage). */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /api/chat': { action: 'send', content: 'hello', endpoint: 'tessera-demo', model: 'tessera-demo' },
  'POST /v1/chat/completions': { model: 'tessera-demo/tessera-demo', messages: [{ role: 'user', content: 'hello' }] },
  'POST /api/presets': { name: 'preset', endpoint: 'tessera-demo', model: 'tessera-demo', systemPrompt: 'be brief' },
  'POST /api/keys': { name: 'key' },
  'PATCH /api/conversations/:id': { title: 'title' },
  'POST /api/auth/sign-up/email': { name: 'Name', email: 'fuzz@example.com', password: 'correct horse battery' },
};

/** One body per string field of the route: that field hostile, the rest valid (or every field hostile). */
function hostileBodies(route: Route, value: string): unknown[] {
  const valid = VALID_BODIES[`${route.method} ${route.path}`];
  if (!valid) return [Object.fromEntries(route.body.map((name) => [name, value]))];
  const bodies: unknown[] = [];
  for (const [field, original] of Object.entries(valid)) {
    if (typeof original === 'string') bodies.push({ ...valid, [field]: value });
  }
  if (route.path === '/v1/chat/completions') {
    bodies.push({ ...valid, messages: [{ role: 'user', content: value }] });
    bodies.push({ ...valid, messages: [{ role: 'system', content: value }] });
    bodies.push({ ...valid, messages: [{ role: 'user', content: [{ type: 'text', text: value }] }] });
  }
  return bodies;
}

function expectErrorShape(response: LightMyRequestResponse, context: string) {
  expect(response.statusCode, `${context} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode < 400) return;
  const body = response.json() as { error?: { code?: unknown; message?: unknown } };
  expect(body.error, `${context} → ${response.body.slice(0, 300)}`).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
  });
}

describe('hostile input', () => {
  let t: TestApp;
  let client: Client;
  let stripe: FakeStripe;
  let routes: Route[];
  let apiKey: string;
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
    apiKey = (await client.request({ method: 'POST', url: '/api/keys', payload: { name: 'fuzz' } })).json().key;
    // Wildcard routes have no fixed path to aim at; the dot-segment cases below reach them.
    routes = routesOf((await t.app.inject('/api/docs/json')).json()).filter((r) => !r.path.includes('*'));
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  /** Sends a request and checks that the server stays responsive while it runs: /api/health within a second. */
  async function sendWatched(options: InjectOptions, context: string) {
    let slowest = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        const started = performance.now();
        await t.app.inject('/api/health');
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const response = await client.request(options).finally(() => (done = true));
    await watch;
    expectErrorShape(response, context);
    expect(slowest, `${context}: /api/health waited ${Math.round(slowest)} ms`).toBeLessThan(1_000);
    return response;
  }

  it('reads every documented route, including the ones added since this test was written', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).toEqual(expect.arrayContaining(['POST /api/chat', 'POST /v1/chat/completions', 'POST /api/keys']));
    expect(routes.length).toBeGreaterThan(30);
  });

  it('never answers a random body, query or path parameter with a 5xx or outside the error shape', async () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(...Object.values(HOSTILE_STRINGS).map((s) => s.slice(0, 2_000))),
    );
    const value = fc.oneof(text, fc.anything());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(fc.jsonValue(), fc.array(value, { minLength: 1, maxLength: 4 })),
        fc.oneof(text, fc.constantFrom(...HOSTILE_IDS)),
        fc.array(text, { maxLength: 3 }),
        async (route, values, param, queryValues) => {
          // Half the bodies use the route's own field names, so they get past the shape check more often.
          const body = Array.isArray(values)
            ? Object.fromEntries(route.body.map((name, i) => [name, values[i % values.length]]))
            : values;
          const id = HOSTILE_IDS.includes(param) ? param : encodeURIComponent(wellFormed(param)) || 'x';
          const url = route.path.replace(/:[A-Za-z]+/g, id);
          const query = Object.fromEntries(route.query.map((name, i) => [name, queryValues[i] ?? '']));
          const response = await client.request({
            method: route.method as InjectOptions['method'],
            url,
            query,
            ...(hasBody(route.method)
              ? { payload: JSON.stringify(body) ?? 'null', headers: { 'content-type': 'application/json' } }
              : {}),
          });
          expectErrorShape(response, `${route.method} ${url} ${JSON.stringify(body)?.slice(0, 200)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps answering /api/health while each route chews on the worst strings, NUL and lone surrogates', async () => {
    for (const route of routes.filter((r) => hasBody(r.method) && r.body.length > 0)) {
      const url = route.path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      for (const [kind, value] of Object.entries(HOSTILE_STRINGS)) {
        for (const body of hostileBodies(route, value)) {
          const headers = route.path.startsWith('/v1/') ? { authorization: `Bearer ${apiKey}` } : {};
          const method = route.method as InjectOptions['method'];
          await sendWatched({ method, url, payload: body as object, headers }, `${route.method} ${url} with ${kind}`);
        }
      }
    }
  }, 180_000);

  it('refuses JSON nested thousands deep on every route that takes a body', async () => {
    const deep = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
    for (const route of routes.filter((r) => hasBody(r.method))) {
      const url = route.path.replace(/:[A-Za-z]+/g, 'x');
      await sendWatched(
        {
          method: route.method as InjectOptions['method'],
          url,
          payload: deep,
          headers: { 'content-type': 'application/json' },
        },
        `${route.method} ${url} with deep JSON`,
      );
    }
  });

  it('answers dot segments, encoded slashes and over-long ids in any path without a 5xx', async () => {
    const paths = new Set<string>();
    for (const route of routes) {
      for (const id of HOSTILE_IDS) paths.add(`${route.method} ${route.path.replace(/:[A-Za-z]+/g, id)}`);
      const segments = route.path.split('/');
      const last = segments.pop()!;
      for (const trick of ['./', 'x/../', '%2e/', 'x/%2e%2e/', '.%2F']) {
        paths.add(`${route.method} ${[...segments, trick + last].join('/')}`);
      }
      paths.add(`${route.method} ${route.path.replaceAll('/', '%2F')}`);
    }
    for (const entry of paths) {
      const [method, url] = entry.split(' ') as [string, string];
      await sendWatched(
        { method: method as InjectOptions['method'], url, ...(hasBody(method) ? { payload: {} } : {}) },
        entry,
      );
    }
  });
});
