import type { MessagePart, MessagePartType } from '@tessera/shared';
import type { ComponentType } from 'react';
import { CitationPart } from './CitationPart.tsx';
import { ErrorPart } from './ErrorPart.tsx';
import { FilePart } from './FilePart.tsx';
import { ReasoningPart } from './ReasoningPart.tsx';
import { TextPart } from './TextPart.tsx';
import { ToolCallPart } from './ToolCallPart.tsx';
import { ToolResultPart } from './ToolResultPart.tsx';
import type { PartProps } from './types.ts';

/**
 * One renderer per part kind. A new kind in the contract fails the type check here until it has one;
 * a kind this build does not know (a newer server) renders nothing.
 */
export const partRenderers: { [K in MessagePartType]: ComponentType<PartProps<K>> } = {
  text: TextPart,
  reasoning: ReasoningPart,
  'tool-call': ToolCallPart,
  'tool-result': ToolResultPart,
  file: FilePart,
  citation: CitationPart,
  error: ErrorPart,
};

/** The renderer of a part's kind; undefined for a kind this build does not know. */
export function rendererFor(type: string): ComponentType<PartProps<MessagePartType>> | undefined {
  return Object.hasOwn(partRenderers, type)
    ? (partRenderers[type as MessagePartType] as ComponentType<PartProps<MessagePartType>>)
    : undefined;
}

/** Kinds drawn inline, side by side in a row with the ones of their kind that follow (chips, source links). */
export function isInline(part: MessagePart): boolean {
  return part.type === 'file' || part.type === 'citation';
}

export type { PartContext, PartProps } from './types.ts';
