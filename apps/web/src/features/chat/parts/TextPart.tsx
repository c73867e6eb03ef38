import { lazy, Suspense } from 'react';
import type { PartProps } from './types.ts';

const Markdown = lazy(() => import('../Markdown.tsx'));

export function PlainText({ text }: { text: string }) {
  return <div className="break-words whitespace-pre-wrap">{text}</div>;
}

/** Markdown, loaded on first use; the plain text shows until it is. */
export function MarkdownText({ text }: { text: string }) {
  return (
    <Suspense fallback={<PlainText text={text} />}>
      <Markdown text={text} />
    </Suspense>
  );
}

/** What the model wrote, as markdown; what the user wrote, as they typed it. */
export function TextPart({ part, role }: PartProps<'text'>) {
  return role === 'user' ? <PlainText text={part.text} /> : <MarkdownText text={part.text} />;
}
