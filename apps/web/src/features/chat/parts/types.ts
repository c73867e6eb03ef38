import type { MessagePart, MessagePartType } from '@tessera/shared';

export type PartOf<K extends MessagePartType> = Extract<MessagePart, { type: K }>;

/** What a renderer knows besides its part. */
export interface PartContext {
  messageId: string;
  role: 'user' | 'assistant';
  /** The part's position in the message's parts. */
  index: number;
  /** Still being written: the reply is streaming and this is its last part. */
  active: boolean;
  /** 1-based number among the message's citations (0 for other kinds). */
  ordinal: number;
}

export type PartProps<K extends MessagePartType> = PartContext & { part: PartOf<K> };
