import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cn } from '../../../components/ui/cn.ts';
import { streamStore } from '../stream-store.ts';
import { ChevronRightIcon, ThoughtIcon } from './icons.tsx';
import { MarkdownText } from './TextPart.tsx';
import type { PartProps } from './types.ts';
import './parts.css';

/**
 * What the model thought before (or between) its answers: open while it is being written ("Thinking…"),
 * folded away once the answer begins ("Thought for N s" when this tab saw it from start to end, else
 * "Reasoning"). A native <details>: keyboard and screen readers get a disclosure for free, and the
 * browser's find-in-page opens it.
 */
export function ReasoningPart({ part, active, messageId, index }: PartProps<'reasoning'>) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(active);
  const wasActive = useRef(active);
  useEffect(() => {
    // Follow the stream (open when it starts thinking, fold when it is done); the reader decides after.
    if (wasActive.current !== active) setOpen(active);
    wasActive.current = active;
  }, [active]);

  const seconds = active ? undefined : streamStore.thoughtSeconds(messageId, index);
  const label = active
    ? t('parts.thinking')
    : seconds !== undefined
      ? t('parts.thoughtFor', { seconds })
      : t('parts.reasoning');
  return (
    <details
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
      className="group/reasoning"
      data-testid="reasoning-part"
      data-state={active ? 'thinking' : 'done'}
    >
      <summary className="focus-ring -ml-1 inline-flex max-w-full cursor-pointer list-none items-center gap-1.5 rounded-lg px-1 py-1 text-sm text-muted select-none hover:text-fg [&::-webkit-details-marker]:hidden">
        <ThoughtIcon className="size-4 shrink-0" />
        <span className={cn('truncate', active && 'parts-shimmer')}>{label}</span>
        <ChevronRightIcon className="size-3.5 shrink-0 transition-transform group-open/reasoning:rotate-90" />
      </summary>
      <div className="mt-1.5 border-l-2 border-line pl-3.5 text-sm text-muted">
        <MarkdownText text={part.text} />
      </div>
    </details>
  );
}
