import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESET_LIMIT, type Preset } from '@tessera/shared';
import { Client, startTestApp, uniqueEmail, type TestApp } from '../test/app.ts';
import { testDatabases } from '../test/databases.ts';

describe.each(testDatabases)('presets on $name', (db) => {
  let t: TestApp;
  let alice: Client;
  let bob: Client;

  beforeAll(async () => {
    t = await startTestApp(db, {}, { env: {} });
    alice = new Client(t.app, '10.0.1.1');
    bob = new Client(t.app, '10.0.1.2');
    await alice.signUp(uniqueEmail('alice'));
    await bob.signUp(uniqueEmail('bob'));
  });
  afterAll(() => t.close());

  const create = (client: Client, payload: object) => client.request({ method: 'POST', url: '/api/presets', payload });
  const list = async (client: Client): Promise<Preset[]> =>
    (await client.request({ method: 'GET', url: '/api/presets' })).json().items;
  const patch = (client: Client, id: string, payload: object) =>
    client.request({ method: 'PATCH', url: `/api/presets/${id}`, payload });
  const remove = (client: Client, id: string) => client.request({ method: 'DELETE', url: `/api/presets/${id}` });

  it('creates, lists, renames, changes and deletes a preset', async () => {
    const created = await create(alice, {
      name: '  Pirate  ',
      endpoint: 'openai',
      model: 'gpt-4o-mini',
      systemPrompt: 'Talk like a pirate.',
      params: { temperature: 0.3, topP: 0.9, maxOutputTokens: 500 },
    });
    expect(created.statusCode).toBe(201);
    const preset = created.json() as Preset;
    expect(preset).toMatchObject({
      name: 'Pirate',
      endpoint: 'openai',
      model: 'gpt-4o-mini',
      systemPrompt: 'Talk like a pirate.',
      params: { temperature: 0.3, topP: 0.9, maxOutputTokens: 500 },
    });

    // Only a name is needed; the rest is "default".
    const bare = (await create(alice, { name: 'Bare' })).json() as Preset;
    expect(bare).toMatchObject({ endpoint: null, model: null, systemPrompt: null, params: {} });
    expect((await list(alice)).map((p) => p.name)).toEqual(['Bare', 'Pirate']);

    const renamed = await patch(alice, preset.id, { name: 'Sea dog' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Sea dog', systemPrompt: 'Talk like a pirate.' });
    // The most recently changed comes first.
    expect((await list(alice)).map((p) => p.name)).toEqual(['Sea dog', 'Bare']);

    // params replace the saved ones as a whole; a blank system prompt clears it.
    const changed = (await patch(alice, preset.id, { params: { temperature: 1.2 }, systemPrompt: '  ' })).json();
    expect(changed).toMatchObject({ params: { temperature: 1.2 }, systemPrompt: null, model: 'gpt-4o-mini' });

    expect((await remove(alice, preset.id)).statusCode).toBe(204);
    expect((await remove(alice, preset.id)).statusCode).toBe(404);
    expect((await list(alice)).map((p) => p.name)).toEqual(['Bare']);
    expect((await remove(alice, bare.id)).statusCode).toBe(204);
  });

  it('rejects bad names and out-of-range parameters, naming the field', async () => {
    const bad: [object, string][] = [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'Hot', params: { temperature: 2.5 } }, 'params.temperature'],
      [{ name: 'Cold', params: { temperature: -0.1 } }, 'params.temperature'],
      [{ name: 'Wide', params: { topP: 1.5 } }, 'params.topP'],
      [{ name: 'Long', params: { maxOutputTokens: 0 } }, 'params.maxOutputTokens'],
      [{ name: 'Half', params: { maxOutputTokens: 10.5 } }, 'params.maxOutputTokens'],
      [{ name: 'Huge', params: { maxOutputTokens: 200_001 } }, 'params.maxOutputTokens'],
      [{ name: 'Wordy', systemPrompt: 'x'.repeat(20_001) }, 'systemPrompt'],
      [{ name: 'Typed', params: { temperature: '0.5' } }, 'params.temperature'],
    ];
    for (const [payload, field] of bad) {
      const response = await create(alice, payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      const { error } = response.json();
      expect(error.code).toBe('VALIDATION_ERROR');
      expect(error.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    // The edges are allowed.
    const edges = await create(alice, {
      name: 'x'.repeat(100),
      params: { temperature: 2, topP: 0, maxOutputTokens: 200_000 },
    });
    expect(edges.statusCode).toBe(201);
    const { id } = edges.json() as Preset;
    expect((await patch(alice, id, { name: '' })).statusCode).toBe(400);
    expect((await patch(alice, id, { params: { topP: 2 } })).statusCode).toBe(400);
    expect((await remove(alice, id)).statusCode).toBe(204);
  });

  it("keeps each user's presets to themselves: someone else's is a 404", async () => {
    const mine = (await create(alice, { name: 'Private', systemPrompt: 'secret' })).json() as Preset;
    expect(await list(bob)).toEqual([]);
    expect((await patch(bob, mine.id, { name: 'Stolen' })).statusCode).toBe(404);
    expect((await remove(bob, mine.id)).statusCode).toBe(404);
    expect((await list(alice)).find((p) => p.id === mine.id)).toMatchObject({ name: 'Private' });
    expect((await patch(alice, 'no-such-preset', { name: 'x' })).statusCode).toBe(404);

    const anonymous = new Client(t.app, '10.0.1.3');
    expect((await anonymous.request({ method: 'GET', url: '/api/presets' })).statusCode).toBe(401);
    expect((await create(anonymous, { name: 'x' })).statusCode).toBe(401);
    expect((await remove(alice, mine.id)).statusCode).toBe(204);
  });

  it(`stops at ${PRESET_LIMIT} presets per user, even when created all at once`, async () => {
    const carol = new Client(t.app, '10.0.1.4');
    await carol.signUp(uniqueEmail('carol'));
    for (let i = 0; i < PRESET_LIMIT - 5; i += 1) expect((await create(carol, { name: `P${i}` })).statusCode).toBe(201);
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => create(carol, { name: `Burst ${i}` })));
    const codes = burst.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    expect(codes.filter((c) => c === 409)).toHaveLength(7);
    expect(burst.find((r) => r.statusCode === 409)!.json().error).toMatchObject({
      code: 'CONFLICT',
      reason: 'preset_limit',
      limit: 100,
    });
    expect(await list(carol)).toHaveLength(PRESET_LIMIT);
    // Deleting one makes room again; other users are not affected.
    const [first] = await list(carol);
    expect((await remove(carol, first!.id)).statusCode).toBe(204);
    expect((await create(carol, { name: 'Again' })).statusCode).toBe(201);
    expect((await create(bob, { name: 'Mine' })).statusCode).toBe(201);
  });

  it('never answers a random body or id with a 5xx', async () => {
    const { id } = (await create(alice, { name: 'Target' })).json() as Preset;
    const presetLike = fc.record(
      {
        name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        endpoint: fc.oneof(fc.string(), fc.constant(null)),
        model: fc.oneof(fc.string(), fc.constant(null)),
        systemPrompt: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
        params: fc.oneof(
          fc.anything(),
          fc.record(
            { temperature: fc.double(), topP: fc.double(), maxOutputTokens: fc.double() },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PATCH', 'DELETE'),
        fc.oneof(fc.jsonValue(), presetLike),
        fc.oneof(fc.constant(id), fc.string({ maxLength: 150 })),
        async (method, body, param) => {
          const url = method === 'POST' ? '/api/presets' : `/api/presets/${encodeURIComponent(param) || 'x'}`;
          const response = await alice.request({
            method,
            url,
            ...(method === 'DELETE'
              ? {}
              : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
          });
          expect(response.statusCode, `${method} ${url} → ${response.body.slice(0, 200)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});
