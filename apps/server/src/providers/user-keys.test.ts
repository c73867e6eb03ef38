import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/schema.ts';
import { createKeyCipher, endpointBilling, keyHint, UnreadableKeyError } from './user-keys.ts';

const SECRET = 'a-server-secret-of-at-least-32-characters';
const KEY = 'sk-proj-9f8e7d6c5b4a3210fedcba9876543210';
const owner = { userId: 'user-1', endpointId: 'openai' };

describe('the provider key cipher', () => {
  const cipher = createKeyCipher(SECRET);

  it('round-trips a key, with a version prefix and a fresh IV every time', () => {
    const a = cipher.encrypt(KEY, owner);
    const b = cipher.encrypt(KEY, owner);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(KEY);
    expect(a).not.toContain(Buffer.from(KEY).toString('base64url'));
    expect(cipher.decrypt(a, owner)).toBe(KEY);
    expect(cipher.decrypt(b, owner)).toBe(KEY);
    expect(cipher.decrypt(cipher.encrypt('ключ 🔑', owner), owner)).toBe('ключ 🔑');
  });

  it('does not decrypt under another server secret', () => {
    const stored = cipher.encrypt(KEY, owner);
    const other = createKeyCipher('another-server-secret-of-32-characters!');
    expect(() => other.decrypt(stored, owner)).toThrow(UnreadableKeyError);
  });

  it('does not decrypt a value copied to another user or another endpoint', () => {
    const stored = cipher.encrypt(KEY, owner);
    expect(() => cipher.decrypt(stored, { ...owner, userId: 'user-2' })).toThrow(UnreadableKeyError);
    expect(() => cipher.decrypt(stored, { ...owner, endpointId: 'anthropic' })).toThrow(UnreadableKeyError);
    // The owner is encoded unambiguously: moving a character between the ids is another owner.
    const split = cipher.encrypt(KEY, { userId: 'ab', endpointId: 'c' });
    expect(() => cipher.decrypt(split, { userId: 'a', endpointId: 'bc' })).toThrow(UnreadableKeyError);
  });

  it.each([
    ['a flipped ciphertext byte', (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)],
    [
      'a swapped tag',
      (s: string) =>
        s
          .split('.')
          .map((p, i) => (i === 2 ? 'A'.repeat(22) : p))
          .join('.'),
    ],
    ['an unknown version', (s: string) => s.replace(/^v1\./, 'v9.')],
    ['a missing part', (s: string) => s.split('.').slice(0, 3).join('.')],
    ['an extra part', (s: string) => `${s}.AAAA`],
    ['garbage', () => 'not encrypted at all'],
    ['an empty value', () => ''],
  ])('refuses %s cleanly', (_name, tamper) => {
    const stored = tamper(cipher.encrypt(KEY, owner));
    expect(() => cipher.decrypt(stored, owner)).toThrow(UnreadableKeyError);
  });

  it('shows the last four characters only of keys long enough to spare them', () => {
    expect(keyHint(KEY)).toBe('3210');
    expect(keyHint('short-key')).toBe('');
  });
});

describe('endpoint billing', () => {
  const endpoint = (extra: object) =>
    configSchema.parse({ endpoints: [{ id: 'e', kind: 'openai', ...extra }] }).endpoints[0]!;

  it('is free by default on user_provided endpoints and charged in credits otherwise', () => {
    expect(endpointBilling(endpoint({ apiKey: 'user_provided' }))).toBe('free');
    expect(endpointBilling(endpoint({ apiKey: 'sk-x' }))).toBe('credits');
    expect(endpointBilling(endpoint({}))).toBe('credits');
  });

  it('follows an explicit billing setting either way', () => {
    expect(endpointBilling(endpoint({ apiKey: 'user_provided', billing: 'credits' }))).toBe('credits');
    expect(endpointBilling(endpoint({ apiKey: 'sk-x', billing: 'free' }))).toBe('free');
  });
});
