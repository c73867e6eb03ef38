import type { Redis } from 'ioredis';
import { appendToPart, type ChatEvent, type MessagePart } from '@tessera/shared';
import type { Run } from './run.ts';

/** How long deltas gather before they are appended to the reply's Redis stream. */
const BATCH_MS = 50;
/** How long a finished reply's stream stays readable for late reconnects. */
const KEEP_SECONDS = 120;
/** A stream not appended to for this long (longer than the provider idle timeout) belongs to a dead instance. */
const LIVE_SECONDS = 180;
const BLOCK_MS = 5_000;

type Entry = { type: 'base'; parts: MessagePart[] } | { type: 'end' } | ChatEvent;

const keyOf = (messageId: string) => `tessera:reply:${messageId}`;

function entriesOf(rows: [id: string, fields: string[]][]): { id: string; entry: Entry }[] {
  return rows.map(([id, fields]) => ({ id, entry: JSON.parse(fields[1]!) as Entry }));
}

/**
 * Shares replies across instances through one Redis stream per reply: the instance generating a
 * reply appends its events (deltas gathered for 50 ms), and a reconnect that lands on another
 * instance reads the stream from its start, so it gets all the text so far and then the rest live,
 * with nothing lost or doubled between the two. Without Redis, other instances follow the
 * database instead (partial text saved every 0.75 s).
 */
export function createReplyRelay(redis: Redis) {
  // Stream keys must not get a client's key prefix: XREAD's keys would not be prefixed the same way.
  const writer = redis.duplicate({ keyPrefix: '' });
  writer.on('error', () => {});

  function append(messageId: string, entry: Entry): void {
    const key = keyOf(messageId);
    writer
      .multi()
      .xadd(key, '*', 'e', JSON.stringify(entry))
      .expire(key, entry.type === 'end' ? KEEP_SECONDS : LIVE_SECONDS)
      .exec()
      .catch(() => {});
  }

  return {
    /** Records a run's events from now on; call before the run starts. */
    attach(run: Run): void {
      const id = run.messageId;
      let pending: Extract<ChatEvent, { type: 'delta' }> | null = null;
      let timer: NodeJS.Timeout | null = null;
      const flush = () => {
        timer = null;
        if (pending === null) return;
        append(id, pending);
        pending = null;
      };
      append(id, { type: 'base', parts: structuredClone(run.parts) });
      run.subscribe(
        (event) => {
          if (event.type === 'delta') {
            if (pending && pending.index === event.index) pending.text += event.text;
            else {
              flush();
              pending = { ...event };
            }
            timer ??= setTimeout(flush, BATCH_MS);
            return;
          }
          if (timer) clearTimeout(timer);
          flush();
          append(id, event);
        },
        () => {
          if (timer) clearTimeout(timer);
          flush();
          append(id, { type: 'end' });
        },
      );
    },

    /**
     * Follows a reply generated on another instance: `snapshot(parts)` once with the parts so far,
     * then its events. Resolves false (having sent nothing) when Redis holds no stream for it.
     */
    async follow(
      messageId: string,
      snapshot: (parts: MessagePart[]) => void,
      send: (event: ChatEvent) => void,
      closed: Promise<void>,
    ): Promise<boolean> {
      const key = keyOf(messageId);
      const history = entriesOf((await writer.xrange(key, '-', '+')) as [string, string[]][]);
      if (history.length === 0) return false;
      let parts: MessagePart[] = [];
      let lastId = '0';
      let sentSnapshot = false;
      let ended = false;
      const handle = ({ id, entry }: { id: string; entry: Entry }) => {
        lastId = id;
        if (entry.type === 'end') {
          ended = true;
        } else if (entry.type === 'base') {
          parts = entry.parts;
        } else if (entry.type === 'delta' && !sentSnapshot) {
          appendToPart(parts, entry.index, entry.part, entry.text);
        } else if (entry.type === 'part' && !sentSnapshot) {
          parts[entry.index] = entry.part;
        } else {
          if (!sentSnapshot) {
            snapshot(parts);
            sentSnapshot = true;
          }
          send(entry);
        }
      };
      for (const item of history) handle(item);
      if (!sentSnapshot) {
        snapshot(parts);
        sentSnapshot = true;
      }
      if (ended) return true;

      const reader = redis.duplicate({ keyPrefix: '' });
      reader.on('error', () => {});
      let open = true;
      void closed.then(() => {
        open = false;
        reader.disconnect();
      });
      try {
        while (open && !ended) {
          const result = (await reader.xread('BLOCK', BLOCK_MS, 'STREAMS', key, lastId)) as
            [string, [string, string[]][]][] | null;
          if (!result) {
            // Nothing for a while: a stream that expired means its instance is gone.
            if ((await writer.exists(key)) === 0) break;
            continue;
          }
          for (const item of entriesOf(result[0]![1])) handle(item);
        }
      } catch (error) {
        if (open) throw error;
      } finally {
        reader.disconnect();
      }
      return true;
    },

    close(): void {
      writer.disconnect();
    },
  };
}

export type ReplyRelay = ReturnType<typeof createReplyRelay>;
