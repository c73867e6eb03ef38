import type { MessagePart, MessagePartType } from '@tessera/shared';
import { memo, type ReactElement } from 'react';
import { cn } from '../../../components/ui/cn.ts';
import { isInline, rendererFor } from './index.ts';
import type { PartProps } from './types.ts';

/**
 * One part through its kind's renderer. Memoised: the store keeps the identity of every part that did
 * not change, so while a reply streams only its growing part re-renders.
 */
const PartView = memo(function PartView(props: PartProps<MessagePartType>) {
  const Renderer = rendererFor(props.part.type);
  return Renderer ? <Renderer {...props} /> : null;
});

/**
 * A message's parts in order, each drawn by the registry; consecutive inline parts of one kind (files,
 * citations) share a wrapping row. Citations are numbered in order of appearance.
 */
export function PartList({
  parts,
  messageId,
  role,
  streaming = false,
  className,
}: {
  parts: readonly MessagePart[];
  messageId: string;
  role: 'user' | 'assistant';
  /** The message is being written: its last part is active. */
  streaming?: boolean;
  className?: string;
}) {
  const blocks: (ReactElement | ReactElement[])[] = [];
  let citations = 0;
  let rowType: string | null = null;
  parts.forEach((part, index) => {
    if (!rendererFor(part.type)) return;
    const view = (
      <PartView
        key={index}
        part={part}
        index={index}
        messageId={messageId}
        role={role}
        active={streaming && index === parts.length - 1}
        ordinal={part.type === 'citation' ? ++citations : 0}
      />
    );
    const last = blocks.at(-1);
    if (!isInline(part)) blocks.push(view);
    else if (Array.isArray(last) && rowType === part.type) last.push(view);
    else blocks.push([view]);
    rowType = isInline(part) ? part.type : null;
  });
  return (
    <div className={cn('flex min-w-0 flex-col', className)}>
      {blocks.map((block) =>
        Array.isArray(block) ? (
          <div key={`row-${String(block[0]?.key)}`} className="flex min-w-0 flex-wrap gap-1.5">
            {block}
          </div>
        ) : (
          block
        ),
      )}
    </div>
  );
}
