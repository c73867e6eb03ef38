import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));

/** A copy of the migrations folder that stops before the migration tagged `tag`. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-migrations-'));
  cpSync(migrations, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(
    0,
    journal.entries.findIndex((e) => e.tag === tag),
  );
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe('migrations', () => {
  const client = new PGlite();
  const db = drizzle({ client });
  const before = migrationsBefore('0004_message_parts');
  afterAll(async () => {
    await client.close();
    rmSync(before, { recursive: true });
  });

  it('turns the text of messages written before parts existed into one text part each', async () => {
    await migrate(db, { migrationsFolder: before });
    await client.exec(`
      insert into users (id, name, email) values ('u', 'U', 'u@example.com');
      insert into conversations (id, user_id) values ('c', 'u');
      insert into messages (id, conversation_id, role, content, status) values
        ('q', 'c', 'user', 'What is 2 + 2?', 'complete'),
        ('a', 'c', 'assistant', 'It is **4**.', 'complete'),
        ('e', 'c', 'assistant', '', 'error');`);
    await migrate(db, { migrationsFolder: migrations });
    const { rows } = await client.query<{ id: string; parts: unknown; content: string }>(
      'select id, parts, content from messages order by id',
    );
    expect(rows).toEqual([
      { id: 'a', parts: [{ type: 'text', text: 'It is **4**.' }], content: 'It is **4**.' },
      { id: 'e', parts: [], content: '' },
      { id: 'q', parts: [{ type: 'text', text: 'What is 2 + 2?' }], content: 'What is 2 + 2?' },
    ]);
  });
});
